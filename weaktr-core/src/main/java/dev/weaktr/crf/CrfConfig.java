package dev.weaktr.crf;

import dev.weaktr.WeaktrException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameters of a fully connected CRF (Krähenbühl and Koltun 2011) as pydensecrf takes them.
 *
 * <p>Presets reproduce every row of peers.md §5.2 (the settings the WSSS repositories use). A preset's
 * {@code unary} says which unary that repository builds; {@link DenseCrf#refine} always uses probabilities
 * and {@link DenseCrf#refineLabels} always uses hard labels with {@code gtProb}, whatever the preset says.
 *
 * @param name       preset name (or a free label for custom configs)
 * @param unary      the unary the preset's repository uses
 * @param gtProb     confidence of a hard label, pydensecrf {@code unary_from_labels(gt_prob=...)}, in (0, 1)
 * @param kernels    pairwise Potts kernels, applied in this order (pydensecrf: Gaussian first, then bilateral)
 * @param iterations mean-field iterations (≥ 0)
 */
public record CrfConfig(String name, Unary unary, double gtProb, List<Kernel> kernels, int iterations) {

    /** How the repository builds the unary energy. */
    public enum Unary {
        /** {@code unary_from_softmax}: U = −log(clip(P, 1e-5, 1)). */
        SOFTMAX,
        /** {@code unary_from_labels(gt_prob, zero_unsure=False)}. */
        LABELS
    }

    /**
     * One Potts kernel w·k(f_i, f_j) (peers.md §5.1). Positional (Gaussian) when {@code srgb == 0}:
     * k = exp(−|p_i−p_j|²/(2 sxy²)); bilateral otherwise: k = exp(−|p_i−p_j|²/(2 sxy²) − |I_i−I_j|²/(2 srgb²)).
     *
     * @param sxy    spatial standard deviation in pixels (> 0)
     * @param srgb   colour standard deviation on 0–255 RGB (> 0), or 0 for the positional kernel
     * @param compat Potts weight w (the "compat" argument)
     */
    public record Kernel(double sxy, double srgb, double compat) {
        public Kernel {
            if (!(sxy > 0) || !(srgb >= 0) || !Double.isFinite(srgb) || !Double.isFinite(compat)) {
                throw new WeaktrException("CRF kernel: expected sxy > 0, srgb ≥ 0 and a finite compat, got sxy="
                        + sxy + " srgb=" + srgb + " compat=" + compat);
            }
        }

        public static Kernel gaussian(double sxy, double compat) {
            return new Kernel(sxy, 0, compat);
        }

        public static Kernel bilateral(double sxy, double srgb, double compat) {
            if (!(srgb > 0)) {
                throw new WeaktrException("CRF bilateral kernel: expected srgb > 0, got " + srgb);
            }
            return new Kernel(sxy, srgb, compat);
        }

        public boolean isBilateral() {
            return srgb > 0;
        }

        /** Feature dimension: 2 (x, y) or 5 (x, y, r, g, b). */
        public int featureDims() {
            return isBilateral() ? 5 : 2;
        }
    }

    public CrfConfig {
        if (name == null || unary == null || kernels == null) {
            throw new WeaktrException("CRF config: name, unary and kernels must be set");
        }
        if (!(gtProb > 0 && gtProb < 1)) {
            throw new WeaktrException("CRF config '" + name + "': gt_prob must be in (0, 1), got " + gtProb);
        }
        if (iterations < 0) {
            throw new WeaktrException("CRF config '" + name + "': iterations must be ≥ 0, got " + iterations);
        }
        kernels = List.copyOf(kernels);
    }

    /** pydensecrf's default label confidence. */
    public static final double DEFAULT_GT_PROB = 0.7;

    // peers.md §5.2, one constant per row.
    public static final CrfConfig MCTFORMER_PSA = softmax("mctformer-psa", 3, 3, 80, 13, 10, 10);
    public static final CrfConfig MCTFORMER_SEG = softmax("mctformer-seg", 4, 3, 83, 5, 3, 10);
    public static final CrfConfig AFA = softmax("afa", 3, 3, 64, 5, 4, 10);
    public static final CrfConfig AFA_LABELS = labels("afa-labels", 3, 3, 50, 5, 10, 10);
    public static final CrfConfig GETAM = softmax("getam", 3, 3, 83, 5, 4, 20);
    public static final CrfConfig GETAM_VAL = softmax("getam-val", 3, 3, 83, 5, 4, 10);
    public static final CrfConfig SEMFORMER_AFF = labels("semformer-aff", 3, 3, 50, 5, 10, 10);
    public static final CrfConfig SEMFORMER_FINAL = labels("semformer-final", 3, 3, 50, 5, 10, 1);
    public static final CrfConfig WEAKTR_CAM_VOC = labels("weaktr-cam-voc", 4, 3, 83, 5, 3, 10);
    public static final CrfConfig WEAKTR_CAM_COCO = labels("weaktr-cam-coco", 3, 3, 50, 5, 10, 10);
    public static final CrfConfig WEAKTR_SEG_VOC = softmax("weaktr-seg-voc", 3, 3, 83, 5, 3, 10);
    public static final CrfConfig WEAKTR_SEG_COCO = softmax("weaktr-seg-coco", 1, 3, 67, 3, 4, 10);

    private static final List<CrfConfig> PRESETS = List.of(
            WEAKTR_CAM_VOC, WEAKTR_CAM_COCO, WEAKTR_SEG_VOC, WEAKTR_SEG_COCO,
            MCTFORMER_PSA, MCTFORMER_SEG, AFA, AFA_LABELS, GETAM, GETAM_VAL, SEMFORMER_AFF, SEMFORMER_FINAL);

    /** All presets by name, in the order listed above. */
    public static Map<String, CrfConfig> presets() {
        Map<String, CrfConfig> map = new LinkedHashMap<>();
        for (CrfConfig c : PRESETS) {
            map.put(c.name(), c);
        }
        return map;
    }

    /** The preset called {@code name}; a WeaktrException lists the valid names otherwise. */
    public static CrfConfig preset(String name) {
        CrfConfig c = presets().get(name);
        if (c == null) {
            throw new WeaktrException("unknown CRF preset '" + name + "'; expected one of " + presets().keySet());
        }
        return c;
    }

    /** For {@code --crf PRESET|none} flags: empty for "none", else {@link #preset(String)}. */
    public static java.util.Optional<CrfConfig> presetOrNone(String name) {
        return "none".equals(name) ? java.util.Optional.empty() : java.util.Optional.of(preset(name));
    }

    public CrfConfig withIterations(int t) {
        return new CrfConfig(name, unary, gtProb, kernels, t);
    }

    public CrfConfig withGtProb(double p) {
        return new CrfConfig(name, unary, p, kernels, iterations);
    }

    public CrfConfig withKernels(List<Kernel> k) {
        return new CrfConfig(name, unary, gtProb, k, iterations);
    }

    private static CrfConfig softmax(String name, double gSxy, double gCompat, double bSxy, double bSrgb,
            double bCompat, int iters) {
        return new CrfConfig(name, Unary.SOFTMAX, DEFAULT_GT_PROB,
                List.of(Kernel.gaussian(gSxy, gCompat), Kernel.bilateral(bSxy, bSrgb, bCompat)), iters);
    }

    private static CrfConfig labels(String name, double gSxy, double gCompat, double bSxy, double bSrgb,
            double bCompat, int iters) {
        return new CrfConfig(name, Unary.LABELS, DEFAULT_GT_PROB,
                List.of(Kernel.gaussian(gSxy, gCompat), Kernel.bilateral(bSxy, bSrgb, bCompat)), iters);
    }
}
