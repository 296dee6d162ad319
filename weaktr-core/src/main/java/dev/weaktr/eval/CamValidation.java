package dev.weaktr.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.WeaktrException;
import dev.weaktr.cam.CamInference;
import dev.weaktr.cam.WeakTrCamNet;
import dev.weaktr.data.Normalize;
import dev.weaktr.data.VocDataset;
import dev.weaktr.io.LabelPng;
import dev.weaktr.io.RgbImage;
import dev.weaktr.train.Validation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Scores a CAM network on a held split during training, for best-checkpoint selection (spec §2.4): with masks,
 * the mIoU of the patch-refined CAM at the best background threshold (single scale 1.0 + flip, as the official
 * per-epoch evaluation; thresholds 0.00–0.60 by 0.01); without masks, the classification mAP of the class-token
 * scores (the official {@code checkpoint_best.pth} criterion: per-image average precision over classes,
 * averaged over images with at least one positive class).
 */
public final class CamValidation implements Validation.Scorer<WeakTrCamNet> {
    /** The split's name, the images scored (the first {@code maxImages} of the split) and whether masks are used. */
    private final VocDataset data;
    private final List<String> ids;
    private final boolean masks;

    public CamValidation(Path root, String split, int maxImages, List<String> classes) {
        this.data = VocDataset.open(root, split);
        if (!data.classes().names().equals(classes)) {
            throw new WeaktrException("--val-split " + split + ": its classes " + data.classes().names()
                    + " differ from the training classes " + classes);
        }
        this.ids = data.ids().subList(0, Math.min(maxImages, data.size()));
        this.masks = ids.stream().allMatch(id -> data.maskPath(id).isPresent());
    }

    /** "val" when the dataset has that split (other than {@code trainSplit}) with a mask for its first images; else null. */
    public static String defaultSplit(Path root, String trainSplit, int maxImages) {
        if ("val".equals(trainSplit) || !Files.isRegularFile(root.resolve(VocDataset.SPLITS).resolve("val.txt"))) {
            return null;
        }
        VocDataset val = VocDataset.open(root, "val");
        List<String> first = val.ids().subList(0, Math.min(maxImages, val.size()));
        return !first.isEmpty() && first.stream().allMatch(id -> val.maskPath(id).isPresent()) ? "val" : null;
    }

    @Override
    public String split() {
        return data.split();
    }

    public boolean usesMasks() {
        return masks;
    }

    @Override
    public Validation.Score score(WeakTrCamNet net, NDManager manager) {
        return masks ? miou(net, manager) : map(net, manager);
    }

    private Validation.Score miou(WeakTrCamNet net, NDManager manager) {
        CamInference inference = new CamInference(net, manager, new double[] {1.0}, true, true);
        ThresholdSweep sweep = new ThresholdSweep(data.classes().size(), 0.0, 0.6, 0.01);
        for (String id : ids) {
            LabelPng.LabelMap gt = data.readMask(id);
            CamEvaluator.add(sweep, gt, inference.generate(data.readImage(id), data.labels(id)));
        }
        int best = sweep.best();
        return new Validation.Score("val_miou", 100 * sweep.matrix(best).meanIou(), Math.round(sweep.thresholds()[best] * 100) / 100.0,
                ids.size());
    }

    private Validation.Score map(WeakTrCamNet net, NDManager manager) {
        double sum = 0;
        int counted = 0;
        for (String id : ids) {
            boolean[] y = data.labels(id);
            float[] scores;
            RgbImage image = data.readImage(id);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray x = manager.create(Normalize.toChw(image), new Shape(1, 3, image.height(), image.width()));
                scores = net.forward(x, null).classTokenScores().toFloatArray(); // [C]
            }
            double ap = averagePrecision(scores, y);
            if (!Double.isNaN(ap)) {
                sum += ap;
                counted++;
            }
        }
        return new Validation.Score("val_map", counted == 0 ? 0 : 100 * sum / counted, Double.NaN, ids.size());
    }

    /**
     * sklearn's {@code average_precision_score(y, s)} for one image: Σ (R_i − R_{i−1})·P_i over the distinct
     * score thresholds in decreasing order (tied scores form one step). NaN without a positive.
     */
    static double averagePrecision(float[] scores, boolean[] y) {
        int positives = 0;
        for (boolean b : y) {
            positives += b ? 1 : 0;
        }
        if (positives == 0) {
            return Double.NaN;
        }
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
        double ap = 0, prevRecall = 0;
        int tp = 0, seen = 0;
        for (int i = 0; i < order.length; i++) {
            tp += y[order[i]] ? 1 : 0;
            seen++;
            if (i + 1 < order.length && scores[order[i + 1]] == scores[order[i]]) {
                continue; // same threshold: one step
            }
            double recall = tp / (double) positives;
            ap += (recall - prevRecall) * tp / (double) seen;
            prevRecall = recall;
        }
        return ap;
    }
}
