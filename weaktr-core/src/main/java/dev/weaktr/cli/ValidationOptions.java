package dev.weaktr.cli;

import dev.weaktr.WeaktrException;
import dev.weaktr.cam.WeakTrCamNet;
import dev.weaktr.data.VocDataset;
import dev.weaktr.eval.CamValidation;
import dev.weaktr.seg.SegValidation;
import dev.weaktr.seg.Segmenter;
import dev.weaktr.train.Validation;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Best-checkpoint validation flags shared by {@code train-cam} and {@code retrain}. */
public final class ValidationOptions {
    @Option(names = "--val-split", description = "held split scored every --eval-every epochs for checkpoint-best.safetensors "
            + "(train-cam: CAM mIoU at the best threshold, or classification mAP without masks; retrain: val mIoU, single scale; "
            + "train --method semformer --stage seg: CAM mIoU of the mask logits); "
            + "none = off. Default: val when it exists and has masks")
    String valSplit;

    @Option(names = "--eval-every", defaultValue = "1", description = "score the --val-split every N epochs (and after the last). Default: ${DEFAULT-VALUE}")
    int evalEvery;

    @Option(names = "--eval-images", defaultValue = "200", description = "score at most this many images of the --val-split (its first ones). Default: ${DEFAULT-VALUE}")
    int evalImages;

    /** The split to score: --val-split, or val when it exists with masks; null for none. */
    private String split(Path data, String trainSplit) {
        if (evalImages < 1) {
            throw new WeaktrException("--eval-images must be >= 1, got " + evalImages);
        }
        return valSplit == null ? CamValidation.defaultSplit(data, trainSplit, evalImages)
                : valSplit.equals("none") ? null : valSplit;
    }

    /** train-cam's plan (CAM mIoU, or class-token mAP without masks), or null. */
    Validation.Plan<WeakTrCamNet> camPlan(Path data, String trainSplit) {
        String val = split(data, trainSplit);
        return val == null ? null : new Validation.Plan<>(new CamValidation(data, val, evalImages,
                VocDataset.open(data, trainSplit).classes().names()), evalEvery);
    }

    /** retrain's plan (val mIoU, single scale), or null. */
    Validation.Plan<Segmenter> segPlan(Path data, String trainSplit, Path run) {
        String val = split(data, trainSplit);
        return val == null ? null : new Validation.Plan<>(new SegValidation(run, data, val, evalImages,
                VocDataset.open(data, trainSplit).classes().names()), evalEvery);
    }

    /** SemFormer stage 2's plan (CAM mIoU of the mask logits at the training crop, train_semformer.py), or null. */
    dev.weaktr.train.Validation.Plan<dev.weaktr.semformer.SemFormerNet> semFormerPlan(Path data, String trainSplit, int crop) {
        String val = split(data, trainSplit);
        return val == null ? null : new Validation.Plan<>(new dev.weaktr.semformer.SemFormerValidation(data, val, evalImages,
                VocDataset.open(data, trainSplit).classes().names(), crop), evalEvery);
    }
}
