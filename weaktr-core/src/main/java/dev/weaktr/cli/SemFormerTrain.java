package dev.weaktr.cli;

import dev.weaktr.WeaktrException;
import dev.weaktr.semformer.AffinityTrainConfig;
import dev.weaktr.semformer.AffinityTrainer;
import dev.weaktr.semformer.SemFormerTrainConfig;
import dev.weaktr.semformer.SemFormerTrainer;
import java.util.Locale;
import picocli.CommandLine.ParseResult;

/** {@code weaktr train --method semformer --stage caae|seg}: parses SemFormer's flags and runs {@link SemFormerTrainer}. */
final class SemFormerTrain {
    private SemFormerTrain() {}

    static int run(TrainCommand c, ParseResult parsed) {
        if (c.stage == null) {
            throw new WeaktrException("--method semformer needs --stage caae (the class-aware autoencoder) or --stage seg "
                    + "(the segmentor, with --caae RUN)");
        }
        if (c.stage.equals("aff")) {
            return affinity(c, parsed);
        }
        if (c.cams != null) {
            throw new WeaktrException("--cams is for --stage aff");
        }
        String model = switch (c.backbone) {
            case "cpu-demo" -> "cpu-demo";
            case "official", "deit", "mit-b1" -> "official"; // mit-b1: the command's (AFA) default, i.e. not given
            default -> throw new WeaktrException("--backbone " + c.backbone + ": SemFormer knows official (DeiT-B-distilled "
                    + "CAAE, DeiT-S segmentor) and cpu-demo");
        };
        SemFormerTrainConfig cfg = SemFormerTrainConfig.official(c.stage, model, c.seed).with(c.epochs,
                parsed.hasMatchedOption("--batch") ? c.batch : null, parsed.hasMatchedOption("--crop") ? c.crop : null,
                parsed.hasMatchedOption("--lr") ? c.lr : null);
        if (c.stage.equals(SemFormerTrainConfig.CAAE) && c.caae != null) {
            throw new WeaktrException("--caae is for --stage seg");
        }
        System.out.printf(Locale.ROOT, "train: semformer %s (%s), %d epochs x batch %d, crop %d, lr %.3g, seed %d -> %s%n",
                cfg.stage(), model, cfg.epochs(), cfg.batch(), cfg.crop(), cfg.lr(), cfg.seed(), c.out);
        var plan = cfg.stage().equals(SemFormerTrainConfig.SEG) ? c.validation.semFormerPlan(c.data, c.split, cfg.crop()) : null;
        SemFormerTrainer.Result r = new SemFormerTrainer(System.out).train(c.data, c.split, c.out, cfg, c.caae,
                c.device.resolve(), c.resume, c.pretrained, plan);
        System.out.printf(Locale.ROOT, "done: %d epochs (%d steps), last epoch %s, %.1f s -> %s%n", r.epochs(), r.steps(),
                r.last(), r.seconds(), r.run());
        return 0;
    }

    /** {@code --stage aff}: AffinityNet from the CRF-on-labels affinity labels of a CAMS folder. */
    private static int affinity(TrainCommand c, ParseResult parsed) {
        if (c.cams == null) {
            throw new WeaktrException("--stage aff needs --cams CAMS (the SemFormer CRA CAMs of the training split, from "
                    + "'weaktr cams --run SEMFORMER_RUN')");
        }
        if (c.caae != null) {
            throw new WeaktrException("--caae is for --stage seg");
        }
        String model = switch (c.backbone) {
            case "cpu-demo" -> "cpu-demo";
            case "resnet50", "official", "mit-b1" -> "resnet50"; // mit-b1: the command's (AFA) default, i.e. not given
            default -> throw new WeaktrException("--backbone " + c.backbone + ": SemFormer's AffinityNet knows resnet50 "
                    + "(official) and cpu-demo");
        };
        AffinityTrainConfig cfg = AffinityTrainConfig.official(model, c.seed).with(c.epochs,
                parsed.hasMatchedOption("--batch") ? c.batch : null, parsed.hasMatchedOption("--crop") ? c.crop : null,
                parsed.hasMatchedOption("--lr") ? c.lr : null);
        System.out.printf(Locale.ROOT, "train: semformer AffinityNet (%s), %d epochs x batch %d, crop %d, lr %.3g, seed %d, "
                + "labels from %s -> %s%n", model, cfg.epochs(), cfg.batch(), cfg.crop(), cfg.lr(), cfg.seed(), c.cams, c.out);
        AffinityTrainer.Result r = new AffinityTrainer(System.out).train(c.data, c.split, c.cams, c.out, cfg,
                c.device.resolve(), c.resume, c.pretrained);
        System.out.printf(Locale.ROOT, "done: %d affinity label maps written, %d epochs (%d steps), last epoch %s, %.1f s -> %s%n",
                r.labelled(), r.epochs(), r.steps(), r.last(), r.seconds(), r.run());
        return 0;
    }
}
