package dev.weaktr.getam;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import dev.weaktr.backbone.DptVit;
import dev.weaktr.backbone.DptVitConfig;
import dev.weaktr.nn.Attention;
import dev.weaktr.nn.BatchNorm2d;
import dev.weaktr.nn.BilinearResize;
import dev.weaktr.nn.Conv2d;
import dev.weaktr.nn.Dropout;
import dev.weaktr.nn.Linear;
import dev.weaktr.nn.Ops;
import dev.weaktr.nn.Parameters;
import java.util.List;
import java.util.SplittableRandom;

/**
 * GETAM's network (Sun et al.; weixuansun/GETAM {@code DPT/DPT.py} {@code DPTSegmentationModel}), readable top to
 * bottom, with the official state-dict names:
 * <ol>
 *   <li>the ViT ({@link DptVit}, {@code pretrained.model.*}) with its four hooks;</li>
 *   <li>reassemble of the token hooks ({@link Reassemble}, {@code pretrained.act_postprocess{n}}; a hybrid's first
 *   two hooks are its ResNet stage maps as they are);</li>
 *   <li>{@code scratch.layer{n}_rn}: 3×3 convs (no bias) to {@code features} channels;</li>
 *   <li>four {@link FusionBlock}s {@code scratch.refinenet4..1}, coarse to fine, each ×2;</li>
 *   <li>the SE {@link CamModule} ({@code cam_module});</li>
 *   <li>the segmentation head {@code scratch.output_conv}: 3×3 conv (no bias) → BN → ReLU → Dropout 0.1 → 1×1 conv to
 *   C + 1 → ×2 bilinear (align_corners True): full resolution;</li>
 *   <li>classification: global average of {@code layer_4} (the last reassembled map) → {@code cls_head} Linear → C.</li>
 * </ol>
 */
public final class GetamNet {
    private final GetamConfig config;
    private final DptVit backbone;
    private final Reassemble[] reassemble = new Reassemble[4]; // null where a hybrid's hook is a ResNet map
    private final Conv2d[] layerRn = new Conv2d[4];
    private final FusionBlock[] refine = new FusionBlock[4];
    private final CamModule camModule;
    private final Conv2d headConv;
    private final BatchNorm2d headBn;
    private final Conv2d headOut;
    private final Linear clsHead;

    /** One forward pass. */
    public record Output(
            NDArray cls, // [B, C] classification logits
            NDArray seg, // [B, C + 1, H, W] segmentation logits at the input size (null from forwardCls)
            DptVit.Taps taps) {} // the ViT's hooks and every block's attention

    public GetamNet(Parameters p, GetamConfig config) {
        this.config = config;
        DptVitConfig bc = config.backbone();
        this.backbone = new DptVit(p.scoped("pretrained.model."), bc);
        int d = bc.vit().dim(), f = config.features();
        Reassemble.Resample[] resample = {Reassemble.Resample.UP4, Reassemble.Resample.UP2, Reassemble.Resample.NONE,
            Reassemble.Resample.DOWN2};
        for (int i = 0; i < 4; i++) {
            if (!(bc.hybrid() && i < 2)) {
                reassemble[i] = new Reassemble(p, "pretrained.act_postprocess" + (i + 1), d, bc.reassemble()[i],
                        resample[i], bc.prefixTokens());
            }
        }
        for (int i = 0; i < 4; i++) {
            layerRn[i] = Conv2d.torchDefault(p, "scratch.layer" + (i + 1) + "_rn", bc.reassemble()[i], f, 3, false);
        }
        for (int i = 0; i < 4; i++) {
            refine[i] = new FusionBlock(p, "scratch.refinenet" + (i + 1), f);
        }
        this.camModule = new CamModule(p, "cam_module", f);
        this.headConv = Conv2d.torchDefault(p, "scratch.output_conv.0", f, f, 3, false);
        this.headBn = new BatchNorm2d(p, "scratch.output_conv.1", f);
        this.headOut = Conv2d.torchDefault(p, "scratch.output_conv.4", f, config.numClasses() + 1, 1, true);
        this.clsHead = Linear.torchDefault(p, "cls_head", bc.reassemble()[3], config.numClasses(), true);
    }

    public GetamConfig config() {
        return config;
    }

    public DptVit backbone() {
        return backbone;
    }

    /**
     * Both heads ({@code model(x)}: classification and segmentation).
     *
     * @param images [B, 3, H, W] normalised, H and W multiples of 32
     * @param rng BatchNorm batch statistics, Dropout and drop path while training; {@code null} at inference
     */
    public Output forward(NDArray images, SplittableRandom rng) {
        boolean training = rng != null;
        DptVit.Taps t = backbone.taps(images, rng, null);
        NDArray[] layers = new NDArray[4];
        for (int i = 0; i < 4; i++) {
            layers[i] = layer(t, i);
        }
        NDArray cls = classify(layers[3]);
        NDArray path = refine[3].forward(layerRn[3].forward(layers[3]), null, training);
        for (int i = 2; i >= 0; i--) {
            path = refine[i].forward(path, layerRn[i].forward(layers[i]), training);
        }
        path = camModule.forward(path);
        NDArray seg = Activation.relu(headBn.forward(headConv.forward(path), training));
        seg = headOut.forward(Dropout.apply(seg, 0.1f, training));
        seg = BilinearResize.resizeAlignCorners(seg, (int) seg.getShape().get(2) * 2, (int) seg.getShape().get(3) * 2);
        return new Output(cls, seg, t);
    }

    /**
     * The classification path only ({@code forward_cls}), with a tap on every block's attention (GETAM reads the
     * gradient of each class logit with respect to it, {@link GetamMap}).
     */
    public Output forwardCls(NDArray images, SplittableRandom rng, Attention.AttentionTap tap) {
        DptVit.Taps t = backbone.taps(images, rng, tap);
        return new Output(classify(layer(t, 3)), null, t);
    }

    /** {@code layer_{i+1}} of the official {@code forward_vit}: a hybrid's stage map or a reassembled token hook. */
    private NDArray layer(DptVit.Taps t, int i) {
        return t.maps()[i] != null ? t.maps()[i] : reassemble[i].forward(t.tokens()[i], t.gridH(), t.gridW());
    }

    /** {@code cls_head(avg_pool2d(layer_4))}: [B, C4, h, w] → [B, C]. */
    private NDArray classify(NDArray layer4) {
        long b = layer4.getShape().get(0), c = layer4.getShape().get(1);
        return clsHead.forward(Ops.mean(layer4, 2, 3).reshape(b, c));
    }

    /** The attention of every block, in order (post-softmax, through the tap). */
    public static List<Attention.Output> attention(Output o) {
        return o.taps().layers();
    }
}
