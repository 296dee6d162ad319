package dev.weaktr.seg;

import ai.djl.ndarray.NDManager;
import dev.weaktr.WeaktrException;
import dev.weaktr.data.VocDataset;
import dev.weaktr.eval.ConfusionMatrix;
import dev.weaktr.io.LabelPng;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Scores a segmentation model during retraining for best-checkpoint selection (spec §4.4's in-training
 * validation): single scale, no flip, the last decoder block only, sliding windows as at test time; mIoU over
 * the first {@code maxImages} images of a split with masks.
 */
public final class SegValidation {
    private final VocDataset data;
    private final List<String> ids;

    public SegValidation(Path root, String split, int maxImages, List<String> classes) {
        this.data = VocDataset.open(root, split);
        if (!data.classes().names().equals(classes)) {
            throw new WeaktrException("--val-split " + split + ": its classes " + data.classes().names()
                    + " differ from the training classes " + classes);
        }
        this.ids = data.ids().subList(0, Math.min(maxImages, data.size()));
        for (String id : ids) {
            if (data.maskPath(id).isEmpty()) {
                throw new WeaktrException("--val-split " + split + ": image '" + id + "' has no mask; retrain's validation "
                        + "scores mIoU and needs masks (or pass --val-split none)");
            }
        }
    }

    public String split() {
        return data.split();
    }

    /** mIoU in percent. */
    public double miou(SegRun manifest, NDManager manager, Segmenter model) {
        ConfusionMatrix m = new ConfusionMatrix(data.classes().size());
        SegPredictor.Settings single = new SegPredictor.Settings(new double[] {1.0}, false, 0.0, Optional.empty());
        try (SegPredictor p = SegPredictor.of(manifest, manager, model, single)) {
            for (String id : ids) {
                LabelPng.LabelMap gt = data.readMask(id);
                m.add(gt.labels(), p.predict(data.readImage(id)).labels().labels());
            }
        }
        return 100 * m.meanIou();
    }

    public int images() {
        return ids.size();
    }
}
