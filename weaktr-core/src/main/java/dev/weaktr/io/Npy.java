package dev.weaktr.io;

import dev.weaktr.WeaktrException;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * numpy's {@code .npy} format (version 1.0) for float32 arrays in C order, readable by {@code numpy.load}.
 *
 * <p>Reading accepts little- and big-endian float32 and float64 (converted to float32).
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=]?)([a-z])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /** A float32 array with its shape; {@code data.length} = product of {@code shape}. */
    public record FloatArray(float[] data, int[] shape) {
        public FloatArray {
            long n = 1;
            for (int s : shape) {
                n *= s;
            }
            if (n != data.length) {
                throw new IllegalArgumentException(
                        "data length " + data.length + " does not match shape " + Arrays.toString(shape));
            }
        }
    }

    /** Writes {@code data} with {@code shape} as a little-endian float32 .npy file, atomically. */
    public static void write(Path file, float[] data, int... shape) {
        new FloatArray(data, shape); // validates
        AtomicFiles.write(file, out -> {
            out.write(header(shape));
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : data) {
                if (!buf.hasRemaining()) {
                    out.write(buf.array(), 0, buf.position());
                    buf.clear();
                }
                buf.putFloat(v);
            }
            out.write(buf.array(), 0, buf.position());
        });
    }

    static byte[] header(int[] shape) {
        StringBuilder s = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            s.append(shape[i]).append(shape.length == 1 ? "," : (i + 1 < shape.length ? ", " : ""));
        }
        s.append("), }");
        int total = MAGIC.length + 2 + 2 + s.length() + 1;
        int pad = (64 - total % 64) % 64;
        s.append(" ".repeat(pad)).append('\n');
        byte[] dict = s.toString().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + dict.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) dict.length).put(dict);
        return b.array();
    }

    /** Reads a float32 or float64 .npy file in C order. */
    public static FloatArray read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new WeaktrException("missing .npy file: " + file);
        }
        try (InputStream raw = Files.newInputStream(file)) {
            return read(raw, file.toString());
        } catch (IOException e) {
            throw new WeaktrException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads one float32/float64 C-order array from a stream (a file or an entry of an .npz); {@code label} names it. */
    public static FloatArray read(InputStream raw, String label) {
        String file = label;
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw, 1 << 16))) {
            byte[] magic = new byte[6];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new WeaktrException(file + " is not a .npy file (bad magic bytes)");
            }
            int major = in.readUnsignedByte();
            in.readUnsignedByte();
            int headerLen;
            if (major == 1) {
                headerLen = Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
            } else {
                headerLen = Integer.reverseBytes(in.readInt());
            }
            byte[] hb = new byte[headerLen];
            in.readFully(hb);
            String header = new String(hb, StandardCharsets.ISO_8859_1);
            Matcher d = DESCR.matcher(header);
            Matcher f = FORTRAN.matcher(header);
            Matcher sh = SHAPE.matcher(header);
            if (!d.find() || !f.find() || !sh.find()) {
                throw new WeaktrException(file + ": unreadable .npy header: " + header.trim());
            }
            if (f.group(1).equals("True")) {
                throw new WeaktrException(file + ": Fortran-order arrays are not supported; save with C order");
            }
            ByteOrder order = d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            String kind = d.group(2) + d.group(3);
            int[] shape = parseShape(sh.group(1));
            long n = 1;
            for (int s : shape) {
                n *= s;
            }
            if (n > Integer.MAX_VALUE - 8) {
                throw new WeaktrException(file + ": array too large for one float[] (" + n + " elements)");
            }
            int width = switch (kind) {
                case "f4" -> 4;
                case "f8" -> 8;
                default -> throw new WeaktrException(
                        file + ": dtype " + d.group(0) + " not supported; expected float32 ('<f4') or float64");
            };
            byte[] bytes = new byte[(int) n * width];
            in.readFully(bytes);
            ByteBuffer buf = ByteBuffer.wrap(bytes).order(order);
            float[] data = new float[(int) n];
            for (int i = 0; i < data.length; i++) {
                data[i] = width == 4 ? buf.getFloat() : (float) buf.getDouble();
            }
            return new FloatArray(data, shape);
        } catch (java.io.EOFException e) {
            throw new WeaktrException(file + " is truncated (shorter than its header says)");
        } catch (IOException e) {
            throw new WeaktrException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static int[] parseShape(String s) {
        return Arrays.stream(s.split(","))
                .map(String::trim)
                .filter(t -> !t.isEmpty())
                .mapToInt(t -> Integer.parseInt(t.replace("L", "")))
                .toArray();
    }
}
