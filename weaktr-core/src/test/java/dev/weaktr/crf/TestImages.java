package dev.weaktr.crf;

import dev.weaktr.io.RgbImage;
import java.util.Random;

/** Small synthetic images and label maps for the CRF tests. */
final class TestImages {
    private TestImages() {}

    /** Two halves (dark left, bright right), a coloured top third, ±noise per channel. */
    static RgbImage halves(int w, int h, long seed, int noise) {
        Random r = new Random(seed);
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    int base = (x < w / 2 ? 60 : 180) + (y < h / 3 ? 40 * c : 0);
                    int v = base + r.nextInt(2 * noise + 1) - noise;
                    rgb[(y * w + x) * 3 + c] = (byte) Math.max(0, Math.min(255, v));
                }
            }
        }
        return new RgbImage(w, h, rgb);
    }

    /** Labels of {@link #halves}: 0 left, 1 right (and 2 for the top-right third when m ≥ 3). */
    static byte[] halvesLabels(int w, int h, int m) {
        byte[] l = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = x < w / 2 ? 0 : 1;
                if (m >= 3 && v == 1 && y < h / 3) {
                    v = 2;
                }
                l[y * w + x] = (byte) v;
            }
        }
        return l;
    }

    /** Probabilities [M][N]: 0.55 on the true label plus uniform noise, renormalised. */
    static float[] noisyProbabilities(byte[] truth, int m, long seed) {
        Random r = new Random(seed);
        int n = truth.length;
        float[] p = new float[m * n];
        for (int i = 0; i < n; i++) {
            float s = 0;
            for (int l = 0; l < m; l++) {
                float v = r.nextFloat() + (truth[i] == l ? 0.55f : 0f);
                p[l * n + i] = v;
                s += v;
            }
            for (int l = 0; l < m; l++) {
                p[l * n + i] /= s;
            }
        }
        return p;
    }

    /** Copies {@code truth} with a fraction of pixels set to a different random label. */
    static byte[] flip(byte[] truth, int m, double fraction, long seed) {
        Random r = new Random(seed);
        byte[] out = truth.clone();
        for (int i = 0; i < out.length; i++) {
            if (r.nextDouble() < fraction) {
                out[i] = (byte) ((truth[i] + 1 + r.nextInt(m - 1)) % m);
            }
        }
        return out;
    }

    /** Mean IoU over the labels 0..m−1. */
    static double meanIou(byte[] pred, byte[] truth, int m) {
        double sum = 0;
        for (int l = 0; l < m; l++) {
            int inter = 0, union = 0;
            for (int i = 0; i < pred.length; i++) {
                boolean a = pred[i] == l, b = truth[i] == l;
                inter += a && b ? 1 : 0;
                union += a || b ? 1 : 0;
            }
            sum += union == 0 ? 1 : (double) inter / union;
        }
        return sum / m;
    }
}
