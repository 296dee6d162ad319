package dev.weaktr.semformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.data.Normalize;
import dev.weaktr.data.VocDataset;
import dev.weaktr.eval.ThresholdSweep;
import dev.weaktr.io.LabelPng;
import dev.weaktr.io.RgbImage;
import dev.weaktr.train.Validation;
import java.nio.file.Path;
import java.util.List;

/**
 * The segmentor's epoch selection as train_semformer.py's {@code evaluate} does it (the official code keeps the
 * epoch with the best score): every image of a split with masks is placed top-left on a crop×crop canvas (zeros after
 * normalisation, the mask 255 outside the image; Top_Left_Crop_For_Segmentation), the mask logits of the foreground
 * classes on the patch grid are ReLU'd and max-normed per class ({@code make_cam}), absent classes zeroed; the mask is
 * resized nearest to the grid (every 16th pixel) and the CAM mIoU is taken at the best background threshold of
 * 0.01 … 0.99. Official: the VOC {@code train} list (1 464 images with masks, not the train_aug list it trains on),
 * batch 8 with drop_last (the last partial batch is not scored); here the held split of {@code --val-split}, every
 * image scored.
 */
public final class SemFormerValidation implements Validation.Scorer<SemFormerNet> {
    private final VocDataset data;
    private final List<String> ids;
    private final int crop;

    public SemFormerValidation(Path root, String split, int maxImages, List<String> classes, int crop) {
        VocDataset.Held held = VocDataset.openHeld(root, split, maxImages, classes,
                "SemFormer selects its epoch by CAM mIoU: give a split with masks or --val-split none");
        this.data = held.data();
        this.ids = held.ids();
        this.crop = crop;
    }

    @Override
    public String split() {
        return data.split();
    }

    @Override
    public Validation.Score score(SemFormerNet net, NDManager manager) {
        int k = data.classes().size();
        int patch = net.config().backbone().patch(), g = crop / patch;
        ThresholdSweep sweep = new ThresholdSweep(k, 0.01, 0.99, 0.01);
        for (String id : ids) {
            RgbImage image = data.readImage(id);
            LabelPng.LabelMap mask = data.readMask(id);
            int h = image.height(), w = image.width(), ch = Math.min(crop, h), cw = Math.min(crop, w);
            float[] chw = Normalize.toChw(image);
            float[] canvas = new float[3 * crop * crop];
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < ch; y++) {
                    System.arraycopy(chw, (c * h + y) * w, canvas, (c * crop + y) * crop, cw);
                }
            }
            float[] logits;
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray x = manager.create(canvas, new Shape(1, 3, crop, crop));
                logits = net.forward(x, null).logits().get(new NDIndex("0, 1:")).toType(DataType.FLOAT32, false)
                        .toFloatArray(); // [C, g, g]
            }
            int n = g * g, c = k - 1;
            boolean[] present = data.labels(id);
            for (int j = 0; j < c; j++) { // make_cam: ReLU, / (max + 1e-5); times the label
                float max = 0;
                for (int i = 0; i < n; i++) {
                    logits[j * n + i] = Math.max(0, logits[j * n + i]);
                    max = Math.max(max, logits[j * n + i]);
                }
                for (int i = 0; i < n; i++) {
                    logits[j * n + i] = present[j] ? logits[j * n + i] / (max + 1e-5f) : 0;
                }
            }
            byte[] gt = new byte[n];
            float[] maxCam = new float[n];
            int[] arg = new int[n];
            for (int y = 0; y < g; y++) {
                for (int x = 0; x < g; x++) {
                    int sy = y * patch, sx = x * patch; // F.interpolate(nearest): floor(dst · in/out)
                    gt[y * g + x] = sy < ch && sx < cw ? (byte) mask.get(sx, sy) : (byte) 255;
                    float best = 0;
                    int a = 0;
                    for (int j = 0; j < c; j++) {
                        if (logits[j * n + y * g + x] > best) {
                            best = logits[j * n + y * g + x];
                            a = j + 1;
                        }
                    }
                    maxCam[y * g + x] = best;
                    arg[y * g + x] = a;
                }
            }
            sweep.add(gt, maxCam, arg);
        }
        int best = sweep.best();
        return new Validation.Score("val_miou", 100 * sweep.matrix(best).meanIou(),
                Math.round(sweep.thresholds()[best] * 100) / 100.0, ids.size());
    }
}
