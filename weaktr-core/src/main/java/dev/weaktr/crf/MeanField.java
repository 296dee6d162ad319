package dev.weaktr.crf;

import dev.weaktr.WeaktrException;
import dev.weaktr.io.RgbImage;
import java.util.Arrays;

/**
 * Mean-field inference of a dense CRF with Potts kernels, computed as pydensecrf (Krähenbühl's densecrf
 * v2) does it (peers.md §5.1):
 * <pre>
 *   Q ← softmax(−U)
 *   repeat T times:  logits = −U + Σ_m w_m · n_m ⊙ Lattice_m(n_m ⊙ Q);   Q ← softmax(logits)
 * </pre>
 * with the symmetric normalisation n_m = 1/√(Lattice_m(1) + 1e-20), computed once per kernel and image.
 * The self-term j = i is kept, as in the reference.
 *
 * <p>A worker object: not thread-safe; keep one per thread and reuse it across images. Buffers and
 * lattices only grow, so after the first image of a given size the iterations allocate nothing but
 * the returned array.
 */
public final class MeanField {
    private PermutohedralLattice[] lattices = new PermutohedralLattice[0];
    private float[][] norms = new float[0][];
    private float[] features = new float[0];
    private float[] negUnary = new float[0];
    private float[] q = new float[0];
    private float[] row = new float[0];
    private float[] compat = new float[0];
    private float[] ones = new float[0];

    /**
     * Runs inference.
     *
     * @param image the image at the unary's resolution
     * @param unary U, {@code [M][H][W]} row-major
     * @param m     number of labels
     * @return Q, {@code [M][H][W]} row-major, a probability per label and pixel
     */
    public float[] infer(RgbImage image, float[] unary, int m, CrfConfig cfg) {
        int n = image.width() * image.height();
        if (m < 1 || unary.length != (long) m * n) {
            throw new WeaktrException("CRF unary: expected " + m + "x" + image.height() + "x" + image.width()
                    + " values for a " + image.width() + "x" + image.height() + " image, got " + unary.length);
        }
        ensure(n, m, cfg.kernels().size());
        for (int l = 0; l < m; l++) {
            for (int i = 0; i < n; i++) {
                negUnary[i * m + l] = -unary[l * n + i];
            }
        }
        softmax(negUnary, q, n, m);
        for (int k = 0; k < cfg.kernels().size(); k++) {
            prepareKernel(k, image, cfg.kernels().get(k));
        }
        for (int it = 0; it < cfg.iterations(); it++) {
            iterate(n, m, cfg);
        }
        float[] out = new float[m * n];
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < m; l++) {
                out[l * n + i] = q[i * m + l];
            }
        }
        return out;
    }

    /**
     * One update, fused per pixel: splat Q into every kernel's lattice in one pass, blur, then for each
     * pixel logits = −U + Σ_k w_k n_k·slice_k and Q ← softmax(logits) in a second pass.
     */
    private void iterate(int n, int m, CrfConfig cfg) {
        int kernels = cfg.kernels().size();
        for (int k = 0; k < kernels; k++) {
            lattices[k].clearValues(m);
            compat[k] = (float) cfg.kernels().get(k).compat();
        }
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < kernels; k++) {
                lattices[k].splatPoint(i, q, i * m, m, norms[k][i]);
            }
        }
        for (int k = 0; k < kernels; k++) {
            lattices[k].blur(m, false);
        }
        float[] row = this.row;
        for (int i = 0; i < n; i++) {
            System.arraycopy(negUnary, i * m, row, 0, m);
            for (int k = 0; k < kernels; k++) {
                lattices[k].slicePoint(i, row, 0, m, compat[k] * norms[k][i]);
            }
            softmaxRow(row, q, i * m, m);
        }
    }

    private void ensure(int n, int m, int kernels) {
        if (negUnary.length < n * m) {
            negUnary = new float[n * m];
            q = new float[n * m];
        }
        if (row.length < m) {
            row = new float[m];
        }
        if (ones.length < n) {
            ones = new float[n];
            Arrays.fill(ones, 1f);
        }
        if (features.length < n * 5) {
            features = new float[n * 5];
        }
        if (lattices.length < kernels) {
            lattices = Arrays.copyOf(lattices, kernels);
            norms = Arrays.copyOf(norms, kernels);
            compat = new float[kernels];
        }
        for (int k = 0; k < kernels; k++) {
            if (norms[k] == null || norms[k].length < n) {
                norms[k] = new float[n];
            }
        }
    }

    /** Builds kernel k's lattice over the image's features and its normalisation n_k. */
    private void prepareKernel(int k, RgbImage image, CrfConfig.Kernel kernel) {
        int d = kernel.featureDims();
        if (lattices[k] == null || lattices[k].dims() != d) {
            lattices[k] = new PermutohedralLattice(d);
        }
        int n = fillFeatures(image, kernel);
        PermutohedralLattice lat = lattices[k];
        lat.build(features, n);
        float[] norm = norms[k];
        lat.filter(ones, norm, 1, false);
        for (int i = 0; i < n; i++) {
            norm[i] = (float) (1.0 / Math.sqrt(norm[i] + 1e-20));
        }
    }

    /** Features as pydensecrf's DenseCRF2D: (x/sxy, y/sxy[, r/srgb, g/srgb, b/srgb]), {@code [N][d]}. */
    private int fillFeatures(RgbImage image, CrfConfig.Kernel kernel) {
        int w = image.width();
        int h = image.height();
        float sxy = (float) kernel.sxy();
        byte[] rgb = image.rgb();
        int d = kernel.featureDims();
        float srgb = (float) kernel.srgb();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int o = i * d;
                features[o] = x / sxy;
                features[o + 1] = y / sxy;
                if (d == 5) {
                    features[o + 2] = (rgb[i * 3] & 0xff) / srgb;
                    features[o + 3] = (rgb[i * 3 + 1] & 0xff) / srgb;
                    features[o + 4] = (rgb[i * 3 + 2] & 0xff) / srgb;
                }
            }
        }
        return w * h;
    }

    /** Row-wise softmax of {@code [N][M]} logits into {@code out}. */
    static void softmax(float[] in, float[] out, int n, int m) {
        float[] row = new float[m];
        for (int i = 0; i < n; i++) {
            System.arraycopy(in, i * m, row, 0, m);
            softmaxRow(row, out, i * m, m);
        }
    }

    /**
     * out[to .. to+m) = softmax(logits[0 .. m)), max-subtracted like Eigen's expAndNormalize in
     * densecrf; exp is {@link FastExp}.
     */
    static void softmaxRow(float[] logits, float[] out, int to, int m) {
        float mx = logits[0];
        for (int l = 1; l < m; l++) {
            mx = Math.max(mx, logits[l]);
        }
        float sum = 0;
        for (int l = 0; l < m; l++) {
            float e = FastExp.expNonPositive(logits[l] - mx);
            logits[l] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int l = 0; l < m; l++) {
            out[to + l] = logits[l] * inv;
        }
    }
}
