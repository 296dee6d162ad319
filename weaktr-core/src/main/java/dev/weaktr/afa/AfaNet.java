package dev.weaktr.afa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.weaktr.backbone.Backbone;
import dev.weaktr.backbone.MixVisionTransformer;
import dev.weaktr.nn.Conv2d;
import dev.weaktr.nn.Ops;
import dev.weaktr.nn.Parameters;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The AFA network (Ru et al., CVPR 2022; rulixiang/afa {@code wetr/model_attn_aff.py}): a MiT encoder
 * ({@code encoder.*}), the SegFormer head ({@code decoder.*}), a classifier on c4 ({@code classifier.weight},
 * 1×1 conv without bias after global max pooling; the CAM is the same conv on the un-pooled c4) and the AFA
 * module ({@code attn_proj}: the symmetrised attention logits of the last two stage-4 blocks → 1×1 conv →
 * sigmoid, the affinity Â of paper eq. 3). Parameter names are the official checkpoint's.
 */
public final class AfaNet {
    private final AfaConfig config;
    private final MixVisionTransformer encoder;
    private final SegFormerHead decoder;
    private final Conv2d attnProj;
    private final NDArray classifier; // [C, D4, 1, 1]

    /** One forward pass. */
    public record Output(
            NDArray cls, // [B, C] classification logits (max-pooled c4 through the classifier)
            NDArray seg, // [B, C + 1, h1, w1] segmentation logits at stride 4
            NDArray affinity, // [B, N, N] Â = σ(conv1x1(S + Sᵀ)), N = h4·w4
            NDArray c4, // [B, D4, h4, w4] the last stage map
            List<NDArray> attentionLogits) {} // every encoder block's q·kᵀ

    public AfaNet(Parameters p, AfaConfig config) {
        this.config = config;
        this.encoder = new MixVisionTransformer(p.scoped("encoder."), config.backbone());
        int[] dims = config.backbone().dims();
        this.decoder = new SegFormerHead(p.scoped("decoder."), dims, config.embedDim(), config.numClasses() + 1);
        int in = config.affinityChannels();
        // nn.init.kaiming_normal_(a=√5, mode="fan_out"): std = √(2/(1+5)) / √(1·1·1); bias: PyTorch default ±1/√in
        this.attnProj = new Conv2d(p.normal("attn_proj.weight", Math.sqrt(1.0 / 3), 1, in, 1, 1),
                p.uniform("attn_proj.bias", 1 / Math.sqrt(in), 1), 1, 0, 1);
        this.classifier = p.uniform("classifier.weight", 1 / Math.sqrt(dims[3]), config.numClasses(), dims[3], 1, 1);
    }

    public AfaConfig config() {
        return config;
    }

    public Backbone encoder() {
        return encoder;
    }

    /**
     * @param images [B, 3, H, W] normalised
     * @param rng drop path, Dropout2d and BatchNorm batch statistics while training; {@code null} at inference
     */
    public Output forward(NDArray images, SplittableRandom rng) {
        Backbone.Features f = encoder.forward(images, rng);
        NDArray seg = decoder.forward(f.maps(), rng);
        List<NDArray> logits = f.attentionLogits();
        // torch.cat(_attns[-2:], dim=1): the last two blocks of the encoder (stage 4), not detached (peers.md §2.7)
        NDArray s = NDArrays.concat(new NDList(logits.get(logits.size() - 2), logits.get(logits.size() - 1)), 1);
        s = s.add(s.transpose(0, 1, 3, 2)); // S + Sᵀ, paper eq. 3
        NDArray affinity = attnProj.forward(s).getNDArrayInternal().sigmoid().squeeze(1); // [B, N, N]
        NDArray c4 = f.last();
        long b = c4.getShape().get(0), d = c4.getShape().get(1);
        NDArray pooled = Ops.max(c4, 2, 3).reshape(b, d); // adaptive_max_pool2d(_, (1, 1)) ("gmp")
        NDArray w = classifier.reshape(config.numClasses(), d);
        NDArray cls = pooled.matMul(w.transpose());
        return new Output(cls, seg, affinity, c4, logits);
    }

    /** CAM: the classifier applied to every position of c4, {@code [B, C, h4, w4]} (not normalised, no ReLU). */
    public NDArray cam(NDArray c4) {
        long b = c4.getShape().get(0), d = c4.getShape().get(1), h = c4.getShape().get(2), w = c4.getShape().get(3);
        NDArray wt = classifier.reshape(config.numClasses(), d);
        return wt.matMul(c4.reshape(b, d, h * w)).reshape(b, config.numClasses(), h, w);
    }

    /**
     * The official optimiser groups ({@code WeTr.get_param_groups}): encoder tensors whose name holds "norm"
     * are frozen (lr 0), the rest of the encoder trains at the base lr, the classifier, the AFA projection and
     * the decoder at 10× the base lr.
     */
    public static double lrScale(String name) {
        if (name.startsWith("encoder.")) {
            return name.contains("norm") ? 0 : 1;
        }
        return 10;
    }
}
