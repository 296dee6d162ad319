package dev.weaktr.io;

import dev.weaktr.WeaktrException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads a PyTorch checkpoint in the zip format that {@code torch.save} writes since torch 1.6: a zip
 * archive {@code <name>/data.pkl} (the object, pickled) plus {@code <name>/data/<key>} (raw storages,
 * little-endian unless {@code <name>/byteorder} says otherwise). The pickle is read by
 * {@link RestrictedUnpickler}: data and tensors only, nothing is executed. The legacy (pre-1.6,
 * non-zip) format is refused with a message saying how to re-save the file.
 *
 * <p>Tensor values are read lazily, one storage at a time, so a checkpoint's optimizer state costs
 * nothing unless asked for. Open with {@link #open}, close when done.
 */
public final class PthReader implements AutoCloseable {
    private final Path file;
    private final ZipFile zip;
    private final String prefix;
    private final ByteOrder order;
    private final Object root;
    private final Map<String, ByteBuffer> storages = new HashMap<>();

    private PthReader(Path file, ZipFile zip, String prefix, ByteOrder order, Object root) {
        this.file = file;
        this.zip = zip;
        this.prefix = prefix;
        this.order = order;
        this.root = root;
    }

    /** Opens and unpickles {@code file}; tensors in the returned tree are {@link PthTensor}s. */
    public static PthReader open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new WeaktrException("missing weights file: " + file);
        }
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new WeaktrException(file + " is not a complete PyTorch zip checkpoint (" + e.getMessage()
                    + "); truncated or not a .pth file?");
        } catch (IOException e) {
            throw new WeaktrException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            String prefix = pickleEntryPrefix(zip, file);
            ByteOrder order = readByteOrder(zip, prefix);
            RestrictedUnpickler unpickler = new RestrictedUnpickler(file.toString());
            Object root;
            try (InputStream in = zip.getInputStream(zip.getEntry(prefix + "data.pkl"))) {
                root = unpickler.load(in);
            } catch (WeaktrException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw new WeaktrException(file + ": unreadable pickle in " + prefix + "data.pkl (" + e.getMessage()
                        + "); truncated or corrupt file?", e);
            }
            return new PthReader(file, zip, prefix, order, root);
        } catch (RuntimeException e) {
            closeQuietly(zip);
            throw e;
        }
    }

    private static String pickleEntryPrefix(ZipFile zip, Path file) {
        for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
            String name = en.nextElement().getName();
            if (name.endsWith("data.pkl") && name.indexOf('/') == name.lastIndexOf('/')) {
                return name.substring(0, name.length() - "data.pkl".length());
            }
        }
        throw new WeaktrException(file + " is a zip archive without <name>/data.pkl; not a PyTorch checkpoint");
    }

    private static ByteOrder readByteOrder(ZipFile zip, String prefix) {
        ZipEntry e = zip.getEntry(prefix + "byteorder");
        if (e == null) {
            return ByteOrder.LITTLE_ENDIAN;
        }
        try (InputStream in = zip.getInputStream(e)) {
            String s = new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
            return s.equals("big") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        } catch (IOException ex) {
            return ByteOrder.LITTLE_ENDIAN;
        }
    }

    /** The unpickled object: maps, lists, Object[] tuples, numbers, strings, null, Boolean, {@link PthTensor}. */
    public Object root() {
        return root;
    }

    /** Whether {@code o} is a tensor of this file. */
    public static boolean isTensor(Object o) {
        return o instanceof PthTensor;
    }

    /** The shape of a tensor of {@link #root()}. */
    public static long[] shape(Object tensor) {
        return ((PthTensor) tensor).shape().clone();
    }

    /**
     * The values of a tensor of {@link #root()} as float32 in C order, honouring its storage offset and
     * strides. {@code name} is used in error messages.
     */
    public float[] values(Object tensor, String name) {
        PthTensor t = (PthTensor) tensor;
        ByteBuffer data = storage(t.storage(), name);
        long n = t.numel();
        if (n > Integer.MAX_VALUE) {
            throw new WeaktrException(file + ": tensor '" + name + "' is too large (" + n + " elements)");
        }
        int rank = t.shape().length;
        long last = t.offset();
        for (int d = 0; d < rank; d++) {
            if (t.shape()[d] == 0) {
                return new float[0];
            }
            last += (t.shape()[d] - 1) * t.stride()[d];
        }
        if (t.offset() < 0 || last >= t.storage().numel()) {
            throw new WeaktrException(file + ": tensor '" + name + "' reaches element " + last
                    + " of a storage of " + t.storage().numel() + "; corrupt file?");
        }
        float[] out = new float[(int) n];
        if (t.storage().type() == PthStorageType.FLOAT && contiguous(t)) { // the common case, in bulk
            data.duplicate().order(data.order()).position(Math.toIntExact(t.offset() * 4)).asFloatBuffer().get(out);
            return out;
        }
        long[] index = new long[rank];
        long pos = t.offset();
        for (int i = 0; i < out.length; i++) {
            out[i] = t.storage().type().read(data, pos);
            for (int d = rank - 1; d >= 0; d--) { // odometer over the C-order index, moving pos by strides
                index[d]++;
                pos += t.stride()[d];
                if (index[d] < t.shape()[d]) {
                    break;
                }
                pos -= index[d] * t.stride()[d];
                index[d] = 0;
            }
        }
        return out;
    }

    private static boolean contiguous(PthTensor t) {
        long expected = 1;
        for (int d = t.shape().length - 1; d >= 0; d--) {
            if (t.shape()[d] != 1 && t.stride()[d] != expected) {
                return false;
            }
            expected *= t.shape()[d];
        }
        return true;
    }

    private ByteBuffer storage(RestrictedUnpickler.PthStorage s, String name) {
        ByteBuffer cached = storages.get(s.key());
        if (cached != null) {
            return cached;
        }
        ZipEntry e = zip.getEntry(prefix + "data/" + s.key());
        if (e == null) {
            throw new WeaktrException(file + ": storage " + s.key() + " of tensor '" + name + "' is missing from the archive");
        }
        long bytes = s.numel() * s.type().width;
        if (bytes > Integer.MAX_VALUE) {
            throw new WeaktrException(file + ": storage " + s.key() + " is too large to read");
        }
        byte[] raw;
        try (InputStream in = zip.getInputStream(e)) {
            raw = in.readNBytes((int) bytes);
        } catch (IOException ex) {
            throw new WeaktrException(file + ": cannot read storage of tensor '" + name + "' (" + ex.getMessage()
                    + "); truncated file?", ex);
        }
        if (raw.length < bytes) {
            throw new WeaktrException(file + ": storage of tensor '" + name + "' holds " + raw.length
                    + " bytes, expected " + bytes + "; truncated file?");
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(order);
        storages.put(s.key(), b);
        return b;
    }

    @Override
    public void close() {
        storages.clear();
        closeQuietly(zip);
    }

    private static void closeQuietly(ZipFile zip) {
        try {
            zip.close();
        } catch (IOException ignored) {
            // read-only file; nothing to flush
        }
    }
}
