package dev.weaktr.semformer;

/**
 * The official optimiser of both stages (peers.md §0.8, §4.1): {@code PolyOptimizer}, an SGD subclass that passes
 * its weight decay positionally into SGD's <em>momentum</em> (so momentum = 5e-4) and uses its "momentum" 0.9 as the
 * poly power, lr_t = lr·(1 − t/T)^0.9; Nesterov. Four parameter groups by the official
 * {@code get_parameter_groups}, on the official tensor names: a name containing "model", "stage" or "backbone" is
 * pretrained, else scratch; one containing "weight" is a weight, else a bias:
 * pretrained weights ×1 (wd), pretrained biases ×2 (no wd), scratch weights ×10 (wd), scratch biases ×20 (no wd).
 *
 * <p>So, following the names: the CAAE's position grid counts as a pretrained bias (×2), the segmentor's K class
 * tokens and their position rows as scratch biases (×20), every LayerNorm weight as a weight (with decay). One
 * deviation: weaktr keeps the class tokens' position rows inside the ViT's single {@code pos_embed} tensor, which
 * trains at the grid's ×2 rather than ×20 (the rows are added to the class tokens, which do train at ×20).
 */
public final class SemFormerRecipe {
    /** SGD momentum as the official PolyOptimizer ends up passing it (its weight decay, 5e-4). */
    public static final double MOMENTUM = 5e-4;
    /** The poly power (PolyOptimizer's "momentum" argument). */
    public static final double POWER = 0.9;

    private SemFormerRecipe() {}

    /** The official name of one of our tensors (the group rule reads official names). */
    static String officialName(String name) {
        if (name.equals(ClassAwareAutoEncoder.ENCODER_PREFIX + "pos_embed")) {
            return "encoder.vit_backbone.grid_posembed";
        }
        if (name.equals(SemFormerNet.BACKBONE_PREFIX + "cls_token")) {
            return "segmentor.cls_token";
        }
        if (name.equals(SemFormerNet.BACKBONE_PREFIX + "pos_embed")) {
            return "segmentor.backbone.grid_posembed";
        }
        return name;
    }

    static boolean pretrained(String name) {
        String n = officialName(name);
        return n.contains("model") || n.contains("stage") || n.contains("backbone");
    }

    static boolean weight(String name) {
        return officialName(name).contains("weight");
    }

    /** The learning-rate multiplier of a tensor: 1, 2, 10 or 20. */
    public static double lrScale(String name) {
        return pretrained(name) ? (weight(name) ? 1 : 2) : (weight(name) ? 10 : 20);
    }

    /** The weight decay of a tensor: {@code wd} on weights, 0 on biases. */
    public static double weightDecay(String name, double wd) {
        return weight(name) ? wd : 0;
    }

    /** PolyOptimizer's lr factor after {@code updates} of {@code total} steps. */
    public static double lrFactor(long updates, long total) {
        return updates < total ? Math.pow(1 - updates / (double) total, POWER) : Math.pow(1 - (total - 1) / (double) total, POWER);
    }
}
