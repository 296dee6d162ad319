package dev.weaktr.cam;

import dev.weaktr.WeaktrException;

/**
 * Hyper-parameters of the adaptive attention fusion (spec §1.5).
 *
 * @param reduction head-FFN reduction r: hidden width = int(L·H / r). Paper/code default 4 (hidden 18 for DeiT-S)
 * @param featReduction feature-FFN reduction (V3): hidden = int((D/H) / featReduction), default 8
 * @param pool "avg" (code default, paper appendix) or "max" (the official docs' training command)
 */
public record AafConfig(double reduction, double featReduction, String pool) {
    public static final AafConfig DEFAULT = new AafConfig(4, 8, "avg");

    public AafConfig {
        if (!pool.equals("avg") && !pool.equals("max")) {
            throw new WeaktrException("unknown AAF pooling '" + pool + "' (--aaf-pool); expected avg or max");
        }
        if (reduction <= 0 || featReduction <= 0) {
            throw new WeaktrException("AAF reductions must be positive (--aaf-reduction)");
        }
    }
}
