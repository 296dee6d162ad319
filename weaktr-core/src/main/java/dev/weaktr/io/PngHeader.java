package dev.weaktr.io;

/**
 * What weaktr needs from a PNG's chunks, parsed without decoding: bit depth and colour type (IHDR),
 * transparency (an alpha channel or a tRNS chunk) and whether the file ends before its IEND chunk.
 *
 * @param bitDepth bits per sample: 1, 2, 4, 8 or 16
 * @param colourType 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGB + alpha
 */
public record PngHeader(int bitDepth, int colourType, boolean transparency, boolean truncated) {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    public static boolean isPng(byte[] b) {
        if (b.length < SIGNATURE.length) {
            return false;
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (b[i] != SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }

    public boolean grey() {
        return colourType == 0 || colourType == 4;
    }

    /** Parses the chunk sequence of a PNG file's bytes (the caller checked {@link #isPng}). */
    public static PngHeader parse(byte[] b) {
        int depth = 0, type = -1;
        boolean trns = false;
        int pos = SIGNATURE.length;
        while (pos + 8 <= b.length) {
            long length = u32(b, pos);
            String chunk = new String(b, pos + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            long next = pos + 12 + length;
            if (next > b.length) {
                break;
            }
            if (chunk.equals("IHDR") && length >= 13) {
                depth = b[pos + 16] & 0xFF;
                type = b[pos + 17] & 0xFF;
            } else if (chunk.equals("tRNS")) {
                trns = true;
            } else if (chunk.equals("IEND")) {
                return new PngHeader(depth, type, trns || type == 4 || type == 6, false);
            }
            pos = (int) next;
        }
        return new PngHeader(depth, type, trns || type == 4 || type == 6, true);
    }

    private static long u32(byte[] b, int i) {
        return ((long) (b[i] & 0xFF) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
    }
}
