package dev.weaktr.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.weaktr.io.WeightFile;
import dev.weaktr.nn.Attention;
import dev.weaktr.nn.Ops;
import dev.weaktr.nn.Parameters;
import dev.weaktr.nn.VisionTransformer;
import dev.weaktr.nn.VitConfig;
import dev.weaktr.weights.EncoderWeights;
import dev.weaktr.weights.LoadReport;
import dev.weaktr.weights.PretrainedInit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The ViT family ({@link VitConfig} presets: DeiT, AugReg ViT, DINOv2, EVA-02) behind {@link Backbone}, with no
 * change to {@link VisionTransformer}'s behaviour: one output map, the patch tokens after the last block and the
 * final norm ({@code [B, D, h, w]}, stride = patch), and every block's attention logits (the model's scaled scores
 * divided by the scale, class tokens included).
 *
 * <p>Weights: a single-class-token ViT reads its published layout through {@link EncoderWeights} (timm/DeiT
 * safetensors or .pth, AugReg .npz, DINOv2, EVA-02); one with C class tokens (WeakTr's CAM model) through
 * {@link PretrainedInit} (the class token and position rows repeated).
 */
public final class VitBackbone implements Backbone {
    private final VisionTransformer vit;
    private final Parameters params;
    private final float scale;

    public VitBackbone(Parameters p, VitConfig config, int classTokens) {
        this(p, new VisionTransformer(p, config, classTokens));
    }

    /** Wraps a model already built on {@code p} (e.g. the encoder of a WeakTr network). */
    public VitBackbone(Parameters p, VisionTransformer vit) {
        this.vit = vit;
        this.params = p;
        this.scale = (float) Math.pow(vit.config().headDim(), -0.5);
    }

    public VisionTransformer model() {
        return vit;
    }

    @Override
    public String name() {
        return vit.config().name();
    }

    @Override
    public int[] channels() {
        return new int[] {vit.config().dim()};
    }

    @Override
    public int[] strides() {
        return new int[] {vit.config().patch()};
    }

    @Override
    public Features forward(NDArray images, SplittableRandom rng) {
        VisionTransformer.Output o = vit.forward(images, rng, null);
        NDArray tokens = vit.norm(o.tokens()); // [B, T + hw, D]
        long b = tokens.getShape().get(0), d = tokens.getShape().get(2);
        NDArray patches = tokens.get(new NDIndex(":, {}:, :", vit.classTokens())); // [B, hw, D]
        NDArray map = patches.transpose(0, 2, 1).reshape(b, d, o.gridH(), o.gridW());
        List<NDArray> logits = new ArrayList<>(o.layers().size());
        for (Attention.Output a : o.layers()) {
            logits.add(a.scores().div(Ops.scalar(a.scores(), scale))); // not div(float): see Ops.scalar
        }
        return new Features(List.of(map), logits);
    }

    @Override
    public LoadReport loadPretrained(Path file, boolean strict) {
        if (vit.classTokens() == 1) {
            return EncoderWeights.load(file, params, params.prefix(), vit.config(), strict);
        }
        return PretrainedInit.apply(WeightFile.read(file), params, strict);
    }
}
