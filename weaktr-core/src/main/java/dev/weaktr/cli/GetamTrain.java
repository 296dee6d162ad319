package dev.weaktr.cli;

import dev.weaktr.WeaktrException;
import dev.weaktr.getam.GetamTrainConfig;
import dev.weaktr.getam.GetamTrainer;
import java.util.Locale;

/**
 * {@code weaktr train --method getam}: GETAM's defaults where the shared flags were not given (backbone vit-hybrid,
 * crop 256, lr 0.04, 52,900 iterations: the official 20 epochs of 10,582 images at batch 4; 256 decoder features,
 * 64 for the cpu-demo backbone).
 */
final class GetamTrain {
    private GetamTrain() {}

    static int run(TrainCommand c) {
        var parsed = c.spec.commandLine().getParseResult();
        String backbone = parsed.hasMatchedOption("--backbone") ? c.backbone : "vit-hybrid";
        int crop = parsed.hasMatchedOption("--crop") ? c.crop : 256;
        double lr = parsed.hasMatchedOption("--lr") ? c.lr : 0.04;
        int iters = parsed.hasMatchedOption("--iters") ? c.iters : 52_900;
        // the official 256 features make DPT's fine fusion convs the CPU's bottleneck; the demo ViT gets 64
        int features = parsed.hasMatchedOption("--features") || !backbone.equals("cpu-demo") ? c.features : 64;
        GetamTrainConfig cfg = GetamTrainConfig.official(iters, c.batch, crop, c.seed).withLr(lr)
                .withSaliencyBitExact(c.saliencyBitExact);
        if (c.every != null) {
            if (c.every < 1) {
                throw new WeaktrException("--checkpoint-every must be at least 1");
            }
            cfg = cfg.withRoundIterations(c.every);
        }
        System.out.printf(Locale.ROOT, "train: getam, %s, %d iterations x batch %d, crop %d, lr %.3g (cls only for the "
                + "first %.0f%%, then x%.1f), %s, seed %d -> %s%n", backbone, iters, c.batch, crop, lr,
                100 * cfg.clsStep(), cfg.segLrScale(), c.saliency == null ? "image-level only (no --saliency)"
                        : "saliency " + c.saliency, c.seed, c.out);
        GetamTrainer.Result r = new GetamTrainer(System.out).train(c.data, c.split, c.out, backbone, features, cfg,
                c.saliency, c.device.resolve(), c.resume,
                c.pretrained == null ? null : dev.weaktr.weights.PretrainedSource.resolve(c.pretrained));
        System.out.printf(Locale.ROOT, "done: %d iterations, last round %s, %.1f s -> %s%n", r.iterations(), r.last(),
                r.seconds(), r.run());
        return 0;
    }
}
