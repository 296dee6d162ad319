package dev.weaktr.crf;

import dev.weaktr.WeaktrException;

/**
 * A label map rewritten over its own label set, so the CRF runs over M = (labels present) only.
 *
 * @param compact {@code [H][W]} values 0..M−1, and 255 where the original was 255 (ignore)
 * @param keys    {@code keys[c]} = the original label of compact label c, ascending
 */
public record CompactLabels(byte[] compact, int[] keys) {

    /** The labels present in {@code labels} (255 excluded), in ascending order, and the compact map. */
    public static CompactLabels of(byte[] labels) {
        boolean[] present = new boolean[255];
        for (byte b : labels) {
            int v = b & 0xff;
            if (v != Unaries.UNSURE) {
                present[v] = true;
            }
        }
        return over(labels, presentKeys(present));
    }

    /**
     * Rewrites {@code labels} over a given key set (e.g. background + the image's classes, even if
     * absent from the map). Every label other than 255 must be one of {@code keys}.
     */
    public static CompactLabels over(byte[] labels, int[] keys) {
        int[] index = new int[256];
        java.util.Arrays.fill(index, -1);
        for (int c = 0; c < keys.length; c++) {
            if (keys[c] < 0 || keys[c] > 254 || index[keys[c]] >= 0) {
                throw new WeaktrException("CRF label keys must be distinct values in 0..254, got "
                        + java.util.Arrays.toString(keys));
            }
            index[keys[c]] = c;
        }
        byte[] out = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) {
            int v = labels[i] & 0xff;
            if (v == Unaries.UNSURE) {
                out[i] = (byte) Unaries.UNSURE;
            } else if (index[v] < 0) {
                throw new WeaktrException("label map has label " + v + " at pixel " + i + ", not in the label set "
                        + java.util.Arrays.toString(keys));
            } else {
                out[i] = (byte) index[v];
            }
        }
        return new CompactLabels(out, keys.clone());
    }

    public int size() {
        return keys.length;
    }

    /** Maps compact labels back to the original ones (255 stays 255). */
    public byte[] expand(byte[] compactLabels) {
        byte[] out = new byte[compactLabels.length];
        for (int i = 0; i < out.length; i++) {
            int v = compactLabels[i] & 0xff;
            out[i] = (byte) (v == Unaries.UNSURE ? v : keys[v]);
        }
        return out;
    }

    private static int[] presentKeys(boolean[] present) {
        int m = 0;
        for (boolean p : present) {
            m += p ? 1 : 0;
        }
        int[] keys = new int[m];
        int c = 0;
        for (int v = 0; v < present.length; v++) {
            if (present[v]) {
                keys[c++] = v;
            }
        }
        return keys;
    }
}
