package dev.weaktr.seg;

import ai.djl.ndarray.NDManager;
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
public final class SegValidation implements dev.weaktr.train.Validation.Scorer<Segmenter> {
    private final VocDataset data;
    private final List<String> ids;

    private final Path run;
    private SegRun manifest;

    /**
     * @param run the run being trained: its run.json (window size, normalisation) is read at the first score
     * @param classes the training classes the split must have
     */
    public SegValidation(Path run, Path root, String split, int maxImages, List<String> classes) {
        this.run = run;
        VocDataset.Held held = VocDataset.openHeld(root, split, maxImages, classes,
                "retrain's validation scores mIoU and needs masks (or pass --val-split none)");
        this.data = held.data();
        this.ids = held.ids();
    }

    @Override
    public String split() {
        return data.split();
    }

    /** mIoU in percent. */
    @Override
    public dev.weaktr.train.Validation.Score score(Segmenter model, NDManager manager) {
        if (manifest == null) {
            manifest = SegRun.read(run);
        }
        ConfusionMatrix m = new ConfusionMatrix(data.classes().size());
        SegPredictor.Settings single = new SegPredictor.Settings(new double[] {1.0}, false, 0.0, Optional.empty());
        try (SegPredictor p = SegPredictor.of(manifest, manager, model, single)) {
            for (String id : ids) {
                LabelPng.LabelMap gt = data.readMask(id);
                m.add(gt.labels(), p.predict(data.readImage(id)).labels().labels());
            }
        }
        return new dev.weaktr.train.Validation.Score("val_miou", 100 * m.meanIou(), Double.NaN, ids.size());
    }

    public int images() {
        return ids.size();
    }
}
