package dev.weaktr.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weaktr.WeaktrException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors format (Hugging Face): 8-byte little-endian header length, a JSON header mapping
 * each name to {dtype, shape, data_offsets}, then the raw little-endian tensor bytes. weaktr writes
 * float32 tensors with string metadata; reading accepts F32, F16, BF16 and F64 (converted to float32).
 */
public final class SafeTensors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafeTensors() {}

    /** Tensors (float32, C order) with their shapes, plus the file's string metadata. */
    public record Content(Map<String, float[]> tensors, Map<String, long[]> shapes, Map<String, String> metadata) {}

    /** Writes tensors in insertion order, atomically. */
    public static void write(Path file, Map<String, float[]> tensors, Map<String, long[]> shapes, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, float[]> e : tensors.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", "F32");
            var shape = t.putArray("shape");
            long[] s = shapes.get(e.getKey());
            long n = 1;
            for (long d : s) {
                shape.add(d);
                n *= d;
            }
            if (n != e.getValue().length) {
                throw new IllegalArgumentException(e.getKey() + ": shape does not match data length");
            }
            t.putArray("data_offsets").add(offset).add(offset + 4L * n);
            offset += 4L * n;
        }
        byte[] hb;
        try {
            hb = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        int pad = (8 - hb.length % 8) % 8;
        byte[] headerBytes = new byte[hb.length + pad];
        System.arraycopy(hb, 0, headerBytes, 0, hb.length);
        java.util.Arrays.fill(headerBytes, hb.length, headerBytes.length, (byte) ' ');
        AtomicFiles.write(file, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes.length);
            out.write(len.array());
            out.write(headerBytes);
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (float[] data : tensors.values()) {
                for (float v : data) {
                    if (!buf.hasRemaining()) {
                        out.write(buf.array(), 0, buf.position());
                        buf.clear();
                    }
                    buf.putFloat(v);
                }
            }
            out.write(buf.array(), 0, buf.position());
        });
    }

    /** Reads every tensor of a safetensors file. */
    public static Content read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new WeaktrException("missing weights file: " + file);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new WeaktrException(file + " is not a safetensors file (too short)");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen <= 0 || headerLen > Math.min(size - 8, 100_000_000L)) {
                throw new WeaktrException(file + " is not a safetensors file (header length " + headerLen + ")");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8);
            JsonNode header;
            try {
                header = JSON.readTree(new String(hb.array(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new WeaktrException(file + " is not a safetensors file (unreadable JSON header)");
            }
            long dataStart = 8 + headerLen;
            Map<String, float[]> tensors = new LinkedHashMap<>();
            Map<String, long[]> shapes = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : header.properties()) {
                if (e.getKey().equals("__metadata__")) {
                    e.getValue().properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                JsonNode t = e.getValue();
                long[] shape = new long[t.get("shape").size()];
                long n = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = t.get("shape").get(i).asLong();
                    n *= shape[i];
                }
                long begin = t.get("data_offsets").get(0).asLong(), end = t.get("data_offsets").get(1).asLong();
                String dtype = t.get("dtype").asText();
                int width = switch (dtype) {
                    case "F32" -> 4;
                    case "F16", "BF16" -> 2;
                    case "F64" -> 8;
                    default -> throw new WeaktrException(file + ": tensor '" + e.getKey() + "' has dtype " + dtype
                            + "; expected a floating-point tensor (F32, F16, BF16, F64)");
                };
                if (end - begin != n * width || dataStart + end > size) {
                    throw new WeaktrException(file + ": tensor '" + e.getKey() + "' lies outside the file (truncated?)");
                }
                ByteBuffer data = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, data, dataStart + begin);
                data.flip();
                tensors.put(e.getKey(), decode(data, dtype, (int) n));
                shapes.put(e.getKey(), shape);
            }
            return new Content(tensors, shapes, metadata);
        } catch (IOException e) {
            throw new WeaktrException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static float[] decode(ByteBuffer data, String dtype, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (dtype) {
                case "F32" -> data.getFloat();
                case "F64" -> (float) data.getDouble();
                case "BF16" -> Float.intBitsToFloat((data.getShort() & 0xffff) << 16);
                default -> halfToFloat(data.getShort() & 0xffff);
            };
        }
        return out;
    }

    /** IEEE 754 binary16 to float32. */
    static float halfToFloat(int h) {
        int sign = (h >>> 15) << 31;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw new java.io.EOFException();
            }
            pos += r;
        }
    }
}
