package dev.weaktr.data.coco;

/**
 * COCO's compressed RLE string ({@code rleToString} / {@code rleFrString} in pycocotools'
 * maskApi.c): each count is written like LEB128 but with 5 payload bits per character, the 0x20 bit
 * meaning "more characters follow", the 0x10 bit of the last character being the sign, and 48 added
 * to make the characters printable ('0'..'o'). Counts from index 3 on are stored as the difference
 * to the count two places earlier (note: {@code i > 2}, not {@code i >= 2}).
 */
public final class RleString {
    private RleString() {}

    /** Decodes a compressed counts string. Throws {@link IllegalArgumentException} on bad input. */
    public static int[] decode(String s) {
        int[] cnts = new int[s.length()];
        int m = 0;
        int p = 0;
        while (p < s.length()) {
            long x = 0;
            int k = 0;
            boolean more = true;
            while (more) {
                if (p >= s.length()) {
                    throw new IllegalArgumentException("RLE string ends inside a count");
                }
                int c = s.charAt(p) - 48;
                if (c < 0 || c > 63) {
                    throw new IllegalArgumentException("RLE string has character '" + s.charAt(p)
                            + "' outside '0'..'o' at offset " + p);
                }
                if (k > 12) {
                    throw new IllegalArgumentException("RLE string has a count too long at offset " + p);
                }
                x |= (long) (c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0) {
                    x |= -1L << (5 * k);
                }
            }
            if (m > 2) {
                x += cnts[m - 2];
            }
            if (x < 0 || x > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("RLE string decodes to count " + x + " at index " + m);
            }
            cnts[m++] = (int) x;
        }
        return java.util.Arrays.copyOf(cnts, m);
    }

    /** Encodes counts as pycocotools' {@code rleToString} does. */
    public static String encode(int[] counts) {
        StringBuilder sb = new StringBuilder(counts.length * 2);
        for (int i = 0; i < counts.length; i++) {
            long x = counts[i];
            if (i > 2) {
                x -= counts[i - 2];
            }
            boolean more = true;
            while (more) {
                int c = (int) (x & 0x1f);
                x >>= 5;
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more) {
                    c |= 0x20;
                }
                sb.append((char) (c + 48));
            }
        }
        return sb.toString();
    }
}
