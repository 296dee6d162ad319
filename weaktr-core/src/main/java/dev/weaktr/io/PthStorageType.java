package dev.weaktr.io;

import java.nio.ByteBuffer;

/**
 * The typed storages a PyTorch pickle may name ({@code torch.FloatStorage} etc.) and how one element of
 * each decodes to float32. Integer storages are pure data too (optimizer step counters, BatchNorm counts),
 * so they are readable; no storage type runs any code.
 */
enum PthStorageType {
    FLOAT("FloatStorage", 4),
    HALF("HalfStorage", 2),
    BFLOAT16("BFloat16Storage", 2),
    DOUBLE("DoubleStorage", 8),
    LONG("LongStorage", 8),
    INT("IntStorage", 4),
    SHORT("ShortStorage", 2),
    CHAR("CharStorage", 1),
    BYTE("ByteStorage", 1),
    BOOL("BoolStorage", 1);

    final String pythonName;
    final int width;

    PthStorageType(String pythonName, int width) {
        this.pythonName = pythonName;
        this.width = width;
    }

    /** The type named {@code torch.<name>}, or null. */
    static PthStorageType byName(String name) {
        for (PthStorageType t : values()) {
            if (t.pythonName.equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** Element {@code index} of a storage's bytes (byte order already set on {@code data}). */
    float read(ByteBuffer data, long index) {
        int at = Math.toIntExact(index * width);
        return switch (this) {
            case FLOAT -> data.getFloat(at);
            case HALF -> SafeTensors.halfToFloat(data.getShort(at) & 0xffff);
            case BFLOAT16 -> Float.intBitsToFloat((data.getShort(at) & 0xffff) << 16);
            case DOUBLE -> (float) data.getDouble(at);
            case LONG -> data.getLong(at);
            case INT -> data.getInt(at);
            case SHORT -> data.getShort(at);
            case CHAR -> data.get(at);
            case BYTE -> data.get(at) & 0xff;
            case BOOL -> data.get(at) != 0 ? 1f : 0f;
        };
    }
}
