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

    @Option(names = "--methods", split = ",", defaultValue = "weaktr", description = "methods to run on the same data: "
            + "weaktr, afa (AFA with the cpu-demo MiT: CAM, pseudo-label and segmentation rows), getam (GETAM with the cpu-demo ViT, "
            + "with saliency maps made from the synthetic masks and image-level only: the same rows). Default: ${DEFAULT-VALUE}")
    java.util.List<String> methods;

    @Option(names = "--afa-iters", description = "AFA training iterations (default 300)")
    Integer afaIters;

    @Option(names = "--getam-iters", description = "GETAM training iterations per form (default 160: 80 classification only, then 80 with labels)")
    Integer getamIters;

    @Option(names = "--semformer", description = "SemFormer's rows instead: synth -> CAAE -> segmentor -> CRA cams -> eval-cam "
            + "(with and without its 7x7 erosion), cpu-demo size; --cam-epochs / --seg-epochs set the CAAE / segmentor epochs (default 10 / 5)")
    boolean semformer;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() {
        long t0 = System.nanoTime();
        for (String m : methods) {
            if (!m.equals("weaktr") && !m.equals("afa") && !m.equals("getam")) {
                throw new dev.weaktr.WeaktrException("--methods: unknown method '" + m + "'; expected weaktr, afa and/or getam");
            }
        }
        if (afaIters != null && afaIters < 1) {
            throw new dev.weaktr.WeaktrException("--afa-iters must be at least 1");
        }
        if (getamIters != null && getamIters < 2) {
            throw new dev.weaktr.WeaktrException("--getam-iters must be at least 2 (half classification only, half with labels)");
        }
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
        if (!methods.contains("weaktr")) {
            return afaOnly(s, t0);
        }
        if (fromScratch && pretrained != null) {
            throw new dev.weaktr.WeaktrException("give --from-scratch or --pretrained, not both");
        }
        String start = fromScratch ? null : pretrained != null ? pretrained : Demo.BUILTIN_BACKBONE;
        System.out.println("== backbone: " + (start == null ? "random weights (--from-scratch)" : start));
        Demo.Report r = Demo.run(out, s, singleClass ? Demo.SINGLE_CLASS : null, start, device.resolve(), System.out);
        dev.weaktr.demo.AfaDemo.Row afa = methods.contains("afa") ? runAfa(s) : null;
        dev.weaktr.demo.GetamDemo.Row[] getam = methods.contains("getam") ? runGetam(s) : null;
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
        if (afa != null) {
            printAfa(afa);
        }
        if (getam != null) {
            printGetam(getam);
        }
        System.out.printf(Locale.ROOT, "%npicture (image | truth | naive | gradient-clip): %s%n", r.picture());
        System.out.printf(Locale.ROOT, "report (%d rows, %d charts, %.0f KB, built in %.1f s): %s%nwhole demo: %.0f s%n",
                r.report().rows(), r.report().charts(), r.report().bytes() / 1024.0, r.report().seconds(),
                r.report().file().toAbsolutePath(), (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    private dev.weaktr.demo.AfaDemo.Row runAfa(Demo.Settings s) {
        dev.weaktr.demo.AfaDemo.Settings d = dev.weaktr.demo.AfaDemo.Settings.defaults(s.size(), s.seed());
        dev.weaktr.demo.AfaDemo.Settings a = new dev.weaktr.demo.AfaDemo.Settings(afaIters == null ? d.iterations() : afaIters,
                d.batch(), d.crop(), d.lr(), d.seed());
        return dev.weaktr.demo.AfaDemo.run(out, out.resolve("data"), a, device.resolve(), System.out);
    }

    private dev.weaktr.demo.GetamDemo.Row[] runGetam(Demo.Settings s) {
        dev.weaktr.demo.GetamDemo.Settings d = dev.weaktr.demo.GetamDemo.Settings.defaults(s.size(), s.seed());
        dev.weaktr.demo.GetamDemo.Settings g = new dev.weaktr.demo.GetamDemo.Settings(
                getamIters == null ? d.iterations() : getamIters, d.batch(), d.crop(), d.features(), d.lr(), d.sizes(), d.seed());
        java.nio.file.Path start = fromScratch ? null : dev.weaktr.weights.PretrainedSource.resolve(
                java.nio.file.Path.of(pretrained != null ? pretrained : Demo.BUILTIN_BACKBONE));
        return dev.weaktr.demo.GetamDemo.run(out, out.resolve("data"), g, start, device.resolve(), System.out);
    }

    private static void printGetam(dev.weaktr.demo.GetamDemo.Row[] rows) {
        for (dev.weaktr.demo.GetamDemo.Row g : rows) {
            String form = g.saliency() ? "with saliency" : "image-level only";
            System.out.printf(Locale.ROOT, "| GETAM map, %s (train) | %.2f | cpu-demo ViT, squares 64/96/128, best bg threshold %.2f; "
                    + "trained in %.0f s |%n", form, g.cam(), g.camThreshold(), g.trainSeconds());
            System.out.printf(Locale.ROOT, "| GETAM pseudo labels, %s (train) | %.2f | map -> PAMR -> bg (1-max)^32%s -> mining -> "
                    + "opening (ignore counted as background) |%n", form, g.pseudo(), g.saliency() ? " -> saliency masking" : "");
            System.out.printf(Locale.ROOT, "| GETAM segmentation, %s (val) | %.2f | its own head, squares 64/96/128 averaged |%n",
                    form, g.seg());
        }
        System.out.println("(GETAM's saliency maps are made from the synthetic ground-truth masks: an oracle detector)");
    }

    /** AFA and/or GETAM without WeakTr: the demo's data and baselines, then their rows. */
    private Integer afaOnly(Demo.Settings s, long t0) {
        if (singleClass) {
            throw new dev.weaktr.WeaktrException("--single-class runs WeakTr's single-class benchmark; use it with --methods weaktr");
        }
        java.nio.file.Path data = out.resolve("data");
        System.out.println("== synth: " + s.trainImages() + " train + " + s.valImages() + " val images -> " + data);
        dev.weaktr.data.Synth.generate(dev.weaktr.data.SynthConfig.of(s.trainImages(), s.valImages(), s.size(), s.seed()), data);
        java.util.List<dev.weaktr.eval.Baselines.Score> baselines = dev.weaktr.eval.Baselines.evaluate(
                dev.weaktr.data.VocDataset.open(data, "train"), 0.0, 0.6, 0.01);
        dev.weaktr.demo.AfaDemo.Row afa = methods.contains("afa") ? runAfa(s) : null;
        dev.weaktr.demo.GetamDemo.Row[] getam = methods.contains("getam") ? runGetam(s) : null;
        System.out.println();
        System.out.println("| step | mIoU (%) | notes |");
        System.out.println("|---|---|---|");
        for (dev.weaktr.eval.Baselines.Score b : baselines) {
            System.out.printf(Locale.ROOT, "| baseline: %s (train) | %.2f | image-blind, same labels and sweep, threshold %.2f |%n",
                    b.name(), b.mIoU(), b.threshold());
        }
        if (afa != null) {
            printAfa(afa);
        }
        if (getam != null) {
            printGetam(getam);
        }
        System.out.printf(Locale.ROOT, "whole demo: %.0f s%n", (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    private static void printAfa(dev.weaktr.demo.AfaDemo.Row a) {
        System.out.printf(Locale.ROOT, "| AFA CAM (train) | %.2f | cpu-demo MiT, scales 1.0/0.5/1.5 + flip, best bg threshold %.2f; trained in %.0f s |%n",
                a.cam(), a.camThreshold(), a.trainSeconds());
        System.out.printf(Locale.ROOT, "| AFA pseudo labels (train) | %.2f | CAM -> affinity random walk -> PAR (ignore counted as background) |%n",
                a.pseudo());
        System.out.printf(Locale.ROOT, "| AFA segmentation (val) | %.2f | its own head, scales 1.0/0.5/0.75 + flip, max over scales |%n",
                a.seg());
    }
}
