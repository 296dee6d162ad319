package dev.weaktr.crf;

import dev.weaktr.io.RgbImage;

/** Dense O(N²) references for the tests. */
final class BruteForce {
    private BruteForce() {}

    /** out_i = Σ_j exp(−|f_i − f_j|²/2)·in_j, in double; {@code [N][vs]}. */
    static double[] gaussianFilter(float[] f, int n, int d, double[] in, int vs) {
        double[] out = new double[n * vs];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double k = kernel(f, d, i, j);
                for (int c = 0; c < vs; c++) {
                    out[i * vs + c] += k * in[j * vs + c];
                }
            }
        }
        return out;
    }

    static double kernel(float[] f, int d, int i, int j) {
        double s = 0;
        for (int k = 0; k < d; k++) {
            double t = f[i * d + k] - f[j * d + k];
            s += t * t;
        }
        return Math.exp(-s / 2);
    }

    /** Kernel features (x/sxy, y/sxy[, rgb/srgb]) as {@code [N][d]}. */
    static float[] features(RgbImage img, CrfConfig.Kernel kern) {
        int d = kern.featureDims();
        int w = img.width();
        int n = w * img.height();
        float[] f = new float[n * d];
        for (int i = 0; i < n; i++) {
            f[i * d] = (i % w) / (float) kern.sxy();
            f[i * d + 1] = (i / w) / (float) kern.sxy();
            for (int c = 0; c < d - 2; c++) {
                f[i * d + 2 + c] = (img.rgb()[i * 3 + c] & 0xff) / (float) kern.srgb();
            }
        }
        return f;
    }

    /** A dense N×N kernel matrix with the symmetric normalisation n_i k_ij n_j of peers.md §5.1. */
    static double[][] normalisedKernel(double[][] k) {
        int n = k.length;
        double[] norm = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += k[i][j];
            }
            norm[i] = 1 / Math.sqrt(s + 1e-20);
        }
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                out[i][j] = norm[i] * k[i][j] * norm[j];
            }
        }
        return out;
    }

    /** Exact Gaussian kernel matrix over the features. */
    static double[][] exactKernel(float[] f, int n, int d) {
        double[][] k = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                k[i][j] = kernel(f, d, i, j);
            }
        }
        return k;
    }

    /** The lattice's own linear operator as a dense matrix (column j = filter of the j-th unit vector). */
    static double[][] latticeKernel(float[] f, int n, int d) {
        PermutohedralLattice lat = new PermutohedralLattice(d);
        lat.build(f, n);
        double[][] k = new double[n][n];
        float[] e = new float[n];
        float[] out = new float[n];
        for (int j = 0; j < n; j++) {
            e[j] = 1;
            lat.filter(e, out, 1, false);
            e[j] = 0;
            for (int i = 0; i < n; i++) {
                k[i][j] = out[i];
            }
        }
        return k;
    }

    /**
     * Dense mean field (peers.md §5.1): Q ← softmax(−U); T times logits = −U + Σ_m w_m K̃_m Q; softmax.
     *
     * @param unary {@code [M][N]}
     * @param kernels already normalised N×N matrices
     * @return Q {@code [M][N]}
     */
    static double[] meanField(float[] unary, int m, int n, double[][][] kernels, double[] compat, int iters) {
        double[] q = softmax(negate(unary), m, n);
        for (int t = 0; t < iters; t++) {
            double[] logits = negate(unary);
            for (int k = 0; k < kernels.length; k++) {
                for (int l = 0; l < m; l++) {
                    for (int i = 0; i < n; i++) {
                        double s = 0;
                        for (int j = 0; j < n; j++) {
                            s += kernels[k][i][j] * q[l * n + j];
                        }
                        logits[l * n + i] += compat[k] * s;
                    }
                }
            }
            q = softmax(logits, m, n);
        }
        return q;
    }

    private static double[] negate(float[] u) {
        double[] out = new double[u.length];
        for (int i = 0; i < u.length; i++) {
            out[i] = -u[i];
        }
        return out;
    }

    private static double[] softmax(double[] logits, int m, int n) {
        double[] q = new double[m * n];
        for (int i = 0; i < n; i++) {
            double mx = Double.NEGATIVE_INFINITY;
            for (int l = 0; l < m; l++) {
                mx = Math.max(mx, logits[l * n + i]);
            }
            double s = 0;
            for (int l = 0; l < m; l++) {
                q[l * n + i] = Math.exp(logits[l * n + i] - mx);
                s += q[l * n + i];
            }
            for (int l = 0; l < m; l++) {
                q[l * n + i] /= s;
            }
        }
        return q;
    }

    /** Dense CRF energy of a labelling: Σ_i U_i(x_i) + Σ_{i<j} Σ_m w_m K_m[i][j]·[x_i ≠ x_j]. */
    static double energy(byte[] x, float[] unary, int n, double[][][] kernels, double[] compat) {
        double e = 0;
        for (int i = 0; i < n; i++) {
            e += unary[(x[i] & 0xff) * n + i];
        }
        for (int k = 0; k < kernels.length; k++) {
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    if (x[i] != x[j]) {
                        e += compat[k] * kernels[k][i][j];
                    }
                }
            }
        }
        return e;
    }
}
