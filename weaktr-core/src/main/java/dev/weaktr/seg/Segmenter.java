package dev.weaktr.seg;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.nn.BilinearResize;
import dev.weaktr.nn.Parameters;
import dev.weaktr.nn.VisionTransformer;
import dev.weaktr.train.NonFinite;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The online-retraining segmentation model (spec §4.1): zero-pad the image to a multiple of the patch size,
 * encode with a plain ViT (final LayerNorm applied, class token dropped), decode masks with
 * {@link MaskTransformer}, bilinearly upsample to the padded size and crop the padding off.
 * Parameters: {@code encoder.*} (timm names) and {@code decoder.*}.
 */
public final class Segmenter {
    private final SegmenterConfig config;
    private final VisionTransformer encoder;
    private final MaskTransformer decoder;

    public Segmenter(Parameters p, SegmenterConfig config) {
        this.config = config;
        this.encoder = new VisionTransformer(p.scoped("encoder."), config.encoder(), 1,
                VisionTransformer.PositionResize.BILINEAR);
        this.decoder = new MaskTransformer(p.scoped("decoder."), config.encoder().dim(), config.encoder().heads(),
                config.numClasses(), config.decoderLayers(), config.decoderDropout());
    }

    public SegmenterConfig config() {
        return config;
    }

    /**
     * @param images [B, 3, H, W] normalised
     * @param rng training randomness (drop path, dropout) or {@code null} at inference
     * @param everyLayer masks of every decoder block (test-time "multi" prediction) or the last only
     * @return logits [B, K, H, W], one per decoder block when {@code everyLayer}
     */
    public List<NDArray> forward(NDArray images, SplittableRandom rng, boolean everyLayer) {
        int patch = config.encoder().patch();
        long b = images.getShape().get(0);
        int h = (int) images.getShape().get(2), w = (int) images.getShape().get(3);
        NDArray x = padToMultiple(images, patch);
        NDArray encoded;
        int gh, gw;
        if (rng == null) { // inference: each block in its own scope, no attention maps kept (bounded memory)
            VisionTransformer.StreamedOutput enc = encoder.forwardStreamed(x, Integer.MAX_VALUE, null, false);
            encoded = enc.tokens();
            gh = enc.gridH();
            gw = enc.gridW();
        } else {
            VisionTransformer.Output enc = encoder.forward(x, rng, null);
            encoded = enc.tokens();
            gh = enc.gridH();
            gw = enc.gridW();
        }
        NDArray tokens = encoder.norm(encoded); // [B, 1 + hw, D]
        NDArray patches = tokens.get(":, 1:, :");
        List<NDArray> out = new ArrayList<>();
        int ph = (int) x.getShape().get(2), pw = (int) x.getShape().get(3);
        for (NDArray m : decoder.forward(patches, gh, gw, rng, everyLayer)) {
            NDArray up = BilinearResize.resize(m, ph, pw);
            out.add(ph == h && pw == w ? up : up.get(":, :, :{}, :{}", h, w));
        }
        return out;
    }

    /**
     * The forward's named tensors in order (input, each encoder block's attention scores and output feature, the
     * encoder tokens, each decoder block's masks), without drop path or dropout, for locating the first
     * non-finite activation of a diverged step.
     */
    public NonFinite.Probe probe(NDArray images) {
        NonFinite.Probe probe = new NonFinite.Probe().add("input", images);
        NDArray x = padToMultiple(images, config.encoder().patch());
        VisionTransformer.Output enc = encoder.forward(x, null, null);
        for (int i = 0; i < enc.layers().size(); i++) {
            probe.add("encoder.blocks." + i + ".attn.scores", enc.layers().get(i).scores());
            probe.add("encoder.blocks." + i + ".attn", enc.layers().get(i).feature());
        }
        NDArray tokens = encoder.norm(enc.tokens());
        probe.add("encoder.norm", tokens);
        List<NDArray> masks = decoder.forward(tokens.get(":, 1:, :"), enc.gridH(), enc.gridW(), null, true);
        for (int i = 0; i < masks.size(); i++) {
            probe.add("decoder.masks." + i, masks.get(i));
        }
        return probe;
    }

    /** Zero padding at the bottom and right up to a multiple of {@code patch}. */
    static NDArray padToMultiple(NDArray images, int patch) {
        long[] s = images.getShape().getShape();
        long ph = (patch - s[2] % patch) % patch, pw = (patch - s[3] % patch) % patch;
        if (ph == 0 && pw == 0) {
            return images;
        }
        NDArray padded = images.getManager().zeros(new Shape(s[0], s[1], s[2] + ph, s[3] + pw), images.getDataType());
        padded.set(new ai.djl.ndarray.index.NDIndex(":, :, :{}, :{}", s[2], s[3]), images);
        return padded;
    }
}
