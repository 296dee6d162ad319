package dev.weaktr.cli;

import dev.weaktr.demo.Demo;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "The whole pipeline on generated data with the cpu-demo model, starting from the shipped pretrained backbone builtin:cpu-demo (--from-scratch: random weights): synth -> train-cam (aaf, mean-sum) -> cams -> eval-cam -> seeds -> retrain (gradient-clip, naive) -> segment -> eval -> report (demo/report.html).")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "demo", description = "output folder. Default: ${DEFAULT-VALUE}")
    Path out;

    @Option(names = "--train", description = "generated training images (default 240)")
    Integer train;

    @Option(names = "--cam-epochs", description = "CAM training epochs per fusion (default 20)")
    Integer camEpochs;

    @Option(names = "--seg-epochs", description = "retraining epochs per decoder (default 12)")
    Integer segEpochs;

    @Option(names = "--single-class", description = "a single-class benchmark instead: spoked-ring among unlabelled "
            + "distractor shapes, 35 %% negative images (synth --single-class spoked-ring --distractors), CAMs trained with --score-pool topk")
    boolean singleClass;

    @Option(names = "--from-scratch", description = "start the CAM networks from random weights instead of the shipped "
            + "pretrained backbone (builtin:cpu-demo, docs/pretrain.md)")
    boolean fromScratch;

    @Option(names = "--pretrained", description = "start the CAM networks from this backbone instead of builtin:cpu-demo (a file, "
            + "a 'weaktr pretrain' run's backbone.safetensors)")
    String pretrained;

    @Option(names = "--seed", defaultValue = "0", description = "Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--semformer", description = "SemFormer's rows instead: synth -> CAAE -> segmentor -> CRA cams -> eval-cam "
            + "(with and without its 7x7 erosion), cpu-demo size; --cam-epochs / --seg-epochs set the CAAE / segmentor epochs (default 10 / 5)")
    boolean semformer;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() {
        long t0 = System.nanoTime();
        Demo.Settings d = Demo.Settings.defaults();
        if (semformer) {
            dev.weaktr.semformer.SemFormerDemo.Report r = dev.weaktr.semformer.SemFormerDemo.run(out,
                    train == null ? d.trainImages() : train, d.valImages(), d.size(), camEpochs == null ? 10 : camEpochs,
                    segEpochs == null ? 5 : segEpochs, seed, device.resolve(), System.out);
            System.out.println();
            System.out.print(dev.weaktr.semformer.SemFormerDemo.table(r));
            System.out.printf(Locale.ROOT, "whole demo: %.0f s%n", (System.nanoTime() - t0) / 1e9);
            return 0;
        }
        Demo.Settings s = new Demo.Settings(train == null ? d.trainImages() : train, d.valImages(), d.size(),
                camEpochs == null ? d.camEpochs() : camEpochs, segEpochs == null ? d.segEpochs() : segEpochs, seed);
        if (fromScratch && pretrained != null) {
            throw new dev.weaktr.WeaktrException("give --from-scratch or --pretrained, not both");
        }
        String start = fromScratch ? null : pretrained != null ? pretrained : Demo.BUILTIN_BACKBONE;
        System.out.println("== backbone: " + (start == null ? "random weights (--from-scratch)" : start));
        Demo.Report r = Demo.run(out, s, singleClass ? Demo.SINGLE_CLASS : null, start, device.resolve(), System.out);
        System.out.println();
        System.out.println("| step | mIoU (%) | notes |");
        System.out.println("|---|---|---|");
        for (Demo.CamRow c : r.cams()) {
            System.out.printf(Locale.ROOT, "| CAM %s (train) | %.2f | patch-refined, best bg threshold %.2f; fused (inside eq. 6): %.2f at %.2f; trained in %.0f s |%n",
                    c.fusion(), c.refined(), c.refinedThreshold(), c.fused(), c.fusedThreshold(), c.trainSeconds());
        }
        for (dev.weaktr.eval.Baselines.Score b : r.baselines()) {
            System.out.printf(Locale.ROOT, "| baseline: %s (train) | %.2f | image-blind, same labels and sweep, threshold %.2f |%n",
                    b.name(), b.mIoU(), b.threshold());
        }
        System.out.printf(Locale.ROOT, "| seeds (train) | %.2f | %s CAMs at threshold %.2f |%n", r.seedMIoU(), r.seedSource(), r.seedThreshold());
        System.out.printf(Locale.ROOT, "| segmentation, naive decoder (val) | %.2f | plain mean CE |%n", r.segNaive());
        System.out.printf(Locale.ROOT, "| segmentation, gradient clipping decoder (val) | %.2f | last epoch kept %.1f %% of pixels |%n",
                r.segGradientClip(), 100 * r.keptFraction());
        System.out.printf(Locale.ROOT, "%npicture (image | truth | naive | gradient-clip): %s%n", r.picture());
        System.out.printf(Locale.ROOT, "report (%d rows, %d charts, %.0f KB, built in %.1f s): %s%nwhole demo: %.0f s%n",
                r.report().rows(), r.report().charts(), r.report().bytes() / 1024.0, r.report().seconds(),
                r.report().file().toAbsolutePath(), (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
