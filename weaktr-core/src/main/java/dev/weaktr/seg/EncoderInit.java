package dev.weaktr.seg;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.WeaktrException;
import dev.weaktr.io.SafeTensors;
import dev.weaktr.io.WeightFile;
import dev.weaktr.nn.VisionTransformer;
import dev.weaktr.nn.BlockStyle;
import dev.weaktr.nn.VitConfig;
import dev.weaktr.weights.EncoderWeights;
import dev.weaktr.weights.LoadReport;
import dev.weaktr.weights.PretrainedInit;
import dev.weaktr.nn.BilinearResize;
import dev.weaktr.nn.Parameters;
import dev.weaktr.train.Checkpoint;
import java.nio.file.Path;
import java.util.Map;

/**
 * Starts the Segmenter's encoder from ImageNet weights ({@code --pretrained}, the official recipe) or from a
 * trained weaktr CAM run's backbone ({@code --init-from RUN}): the
 * C class tokens (and their position rows) are averaged into the encoder's one class token, the patch
 * position grid is bilinearly resized to the encoder's grid, the blocks and patch embedding are copied.
 * Not part of the official recipe (which starts from ImageNet DeiT-S, spec §6.12); useful when no
 * pretrained weights exist, e.g. the from-scratch demo.
 */
public final class EncoderInit {
    private EncoderInit() {}

    /**
     * Starts the encoder from ImageNet ViT weights (timm/DeiT names, safetensors or .pth): the file is loaded into
     * a plain one-class-token ViT of the encoder's shape with {@link PretrainedInit}'s rules, then copied under
     * {@code encoder.}. Deviation: the position grid is resized bicubically by size (the CAM model's rule); the
     * official Segmenter resizes it bilinearly (spec §4.1).
     *
     * @return the load report, to print
     */
    public static LoadReport fromPretrained(Parameters seg, SegmenterConfig config, Path file, boolean strict) {
        if (journalEncoder(config.encoder())) {
            return EncoderWeights.load(file, seg, "encoder.", config.encoder(), strict);
        }
        WeightFile weights = WeightFile.read(file);
        try (NDManager scratch = seg.manager().newSubManager()) {
            Parameters plain = new Parameters(scratch, seg.dataType(), 0, false);
            new VisionTransformer(plain, config.encoder(), 1);
            LoadReport report = PretrainedInit.apply(weights, plain, strict);
            for (Map.Entry<String, NDArray> e : plain.all().entrySet()) {
                NDArray target = seg.get("encoder." + e.getKey());
                target.set(e.getValue().toType(target.getDataType(), false).toByteBuffer());
            }
            return report;
        }
    }

    /**
     * The journal-version encoders (ViT-S AugReg, DINOv2-S, EVA-02) load their published files through
     * {@link EncoderWeights} (backbones-spec §6.2–6.5); DeiT presets keep the CAM model's rules.
     */
    static boolean journalEncoder(VitConfig encoder) {
        return !encoder.blocks().equals(BlockStyle.PLAIN) || encoder.name().equals("vit-small");
    }

    /** @return the number of encoder tensors filled */
    public static int fromCamRun(Parameters seg, Path camRun) {
        SafeTensors.Content cam = SafeTensors.read(camRun.resolve(Checkpoint.FILE));
        int filled = 0;
        NDManager m = seg.manager();
        for (Map.Entry<String, NDArray> e : seg.all().entrySet()) {
            if (!e.getKey().startsWith("encoder.")) {
                continue;
            }
            String name = e.getKey().substring("encoder.".length());
            float[] v = cam.tensors().get(name);
            if (v == null) {
                throw new WeaktrException("--init-from " + camRun + ": the CAM run has no tensor '" + name + "'");
            }
            long[] shape = cam.shapes().get(name);
            NDArray target = e.getValue();
            try (NDManager scope = m.newSubManager()) {
                NDArray src = scope.create(v, new Shape(shape));
                if (name.equals("cls_token")) {
                    src = src.mean(new int[] {1}, true); // [1, C, D] -> [1, 1, D]
                } else if (name.equals("pos_embed")) {
                    src = positionEmbedding(src, (int) cam.shapes().get("cls_token")[1], target.getShape());
                }
                if (!src.getShape().equals(target.getShape())) {
                    throw new WeaktrException("--init-from " + camRun + ": tensor '" + name + "' has shape " + src.getShape()
                            + " but the encoder expects " + target.getShape() + " (another --model preset?)");
                }
                target.set(src.toType(target.getDataType(), false).toByteBuffer());
            }
            filled++;
        }
        return filled;
    }

    /** [1, C + g², D] -> [1, 1 + G², D]: mean of the C class rows, bilinear resize of the grid. */
    static NDArray positionEmbedding(NDArray pos, int classes, Shape target) {
        long n = pos.getShape().get(1), d = pos.getShape().get(2);
        long targetGrid = Math.round(Math.sqrt(target.get(1) - 1));
        long g = Math.round(Math.sqrt(n - classes));
        NDArray cls = pos.get(":, :{}, :", classes).mean(new int[] {1}, true);
        NDArray grid = pos.get(":, {}:, :", classes).reshape(g, g, d).transpose(2, 0, 1); // [D, g, g]
        NDArray resized = BilinearResize.resize(grid, (int) targetGrid, (int) targetGrid).transpose(1, 2, 0)
                .reshape(1, targetGrid * targetGrid, d);
        return cls.concat(resized, 1);
    }
}
