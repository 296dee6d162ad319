package dev.weaktr.cli;

import dev.weaktr.WeaktrException;
import dev.weaktr.crf.CrfConfig;
import dev.weaktr.seg.SegPredictor;
import picocli.CommandLine.Option;

/** Inference flags shared by {@code segment} and {@code predict}. */
public final class SegInferenceOptions {
    @Option(names = "--scales", split = ",", defaultValue = "0.5,0.75,1.0,1.25,1.5,1.75",
            description = "ratios of the base size (short side 520 at crop 480). Default: ${DEFAULT-VALUE}")
    double[] scales;

    @Option(names = "--no-flip", description = "do not add mirrored copies")
    boolean noFlip;

    @Option(names = "--layer-weight", defaultValue = "0.8", description = "score = w * P(decoder block 1) + P(block 2), the official test-time decoder; 0 = last block only. Default: ${DEFAULT-VALUE}")
    double layerWeight;

    @Option(names = "--crf", defaultValue = "none", description = "dense-CRF preset (e.g. weaktr-seg-voc, weaktr-seg-coco) or none. Default: ${DEFAULT-VALUE}")
    String crf;

    @Option(names = "--checkpoint", defaultValue = "last", description = "last (checkpoint.safetensors, as the official docs test) | best "
            + "(checkpoint-best.safetensors, kept by retrain's validation). Default: ${DEFAULT-VALUE}")
    String checkpoint;

    SegPredictor.Settings settings() {
        for (double s : scales) {
            if (!(s > 0 && s <= 8)) {
                throw new WeaktrException("--scales: each scale must be in (0, 8], got " + s);
            }
        }
        if (layerWeight < 0) {
            throw new WeaktrException("--layer-weight must be >= 0");
        }
        return new SegPredictor.Settings(scales, !noFlip, layerWeight, CrfConfig.presetOrNone(crf), 8, checkpoint);
    }
}
