package dev.weaktr.cli;

import dev.weaktr.cam.CamBenchmark;
import dev.weaktr.nn.VitConfig;
import dev.weaktr.seg.SegBenchmark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark the CAM phase (bare forward+backward vs the full train step, CAM inference images/s) and, with --encoders, each retraining encoder (fwd+bwd and inference at 480x480, batch 1).")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--models", split = ",", description = "CAM-phase presets to time (default: cpu-demo,deit-small unless only --encoders is given)")
    List<String> models;

    @Option(names = "--encoders", split = ",", description = "retraining encoders to time inside the Segmenter at --seg-size, batch 1, "
            + "e.g. deit-small,vit-small,dinov2-small,eva02-small,eva02-tiny")
    List<String> encoders;

    @Option(names = "--seg-size", defaultValue = "480", description = "Segmenter input size for --encoders. Default: ${DEFAULT-VALUE}")
    int segSize;

    @Option(names = "--steps", defaultValue = "8", description = "timed steps per measurement (after 2 warm-up steps). Default: ${DEFAULT-VALUE}")
    int steps;

    @Option(names = "--batch", description = "batch size (default: 16 for cpu-demo, 8 otherwise)")
    Integer batch;

    @Option(names = "--afa", split = ",", description = "AFA backbones to time (full train step with every term, and its "
            + "multi-scale + flip segmentation in images/s), e.g. mit-b1 (the issue's row: --afa mit-b1 --afa-crop 512 --afa-batch 2)")
    List<String> afa;

    @Option(names = "--afa-crop", defaultValue = "512", description = "AFA crop (and benchmark image size). Default: ${DEFAULT-VALUE}")
    int afaCrop;

    @Option(names = "--afa-batch", defaultValue = "2", description = "AFA batch. Default: ${DEFAULT-VALUE}")
    int afaBatch;

    @Option(names = "--afa-steps", defaultValue = "3", description = "AFA timed steps after one warm-up step. Default: ${DEFAULT-VALUE}")
    int afaSteps;

    @Option(names = "--work", description = "scratch folder (default: a temporary folder)")
    Path work;

    @Mixin
    DeviceOption device;

    @Option(names = "--semformer", description = "time SemFormer's two training stages and its CRA CAMs: cpu-demo | official")
    String semformer;

    @Option(names = "--getam", split = ",", description = "GETAM backbones to time (vit-b, vit-hybrid, deit-b, "
            + "deit-b-distilled, cpu-demo): both forwards, the per-class backward, the training step; --getam-size, "
            + "--getam-batch")
    List<String> getam;

    @Option(names = "--getam-size", defaultValue = "256", description = "GETAM input size. Default: ${DEFAULT-VALUE}")
    int getamSize;

    @Option(names = "--getam-batch", defaultValue = "4", description = "GETAM batch. Default: ${DEFAULT-VALUE}")
    int getamBatch;

    @Override
    public Integer call() throws Exception {
        if (afa != null) {
            if (afaSteps < 1 || afaBatch < 1) {
                throw new dev.weaktr.WeaktrException("--afa-steps and --afa-batch must be at least 1");
            }
            Path dir = work != null ? work : Files.createTempDirectory("weaktr-bench");
            List<dev.weaktr.afa.AfaBenchmark.Row> afaRows = new ArrayList<>();
            for (String name : afa) {
                dev.weaktr.backbone.MitConfig mit = dev.weaktr.backbone.MitConfig.preset(name.equals("cpu-demo") ? "mit-cpu-demo" : name);
                afaRows.add(dev.weaktr.afa.AfaBenchmark.run(mit, afaCrop, afaBatch, afaSteps, dir, device.resolve(), System.err));
            }
            System.out.println(afaTable(afaRows, Runtime.getRuntime().availableProcessors(), device.resolve().toString()));
            if (models == null && encoders == null && semformer == null && getam == null) {
                return 0;
            }
        }
        if (semformer != null) {
            if (!semformer.equals("cpu-demo") && !semformer.equals("official")) {
                throw new dev.weaktr.WeaktrException("--semformer " + semformer + ": expected cpu-demo or official");
            }
            Path semDir = work != null ? work : Files.createTempDirectory("weaktr-bench");
            System.out.println(dev.weaktr.semformer.SemFormerBenchmark.table(dev.weaktr.semformer.SemFormerBenchmark.run(
                    semformer, steps, batch != null ? batch : 4, semDir, device.resolve(), System.err),
                    Runtime.getRuntime().availableProcessors(), device.resolve().toString()));
            if (models == null && encoders == null && getam == null) {
                return 0;
            }
        }
        if (getam != null) {
            System.out.println(GetamBench.table(getam, getamSize, getamBatch, steps, device.resolve()));
            if (models == null && encoders == null) {
                return 0;
            }
        }
        if (encoders != null) {
            List<SegBenchmark.Row> segRows = new ArrayList<>();
            for (String name : encoders) {
                segRows.add(SegBenchmark.run(VitConfig.preset(name), segSize, steps, device.resolve()));
                System.err.printf(Locale.ROOT, "%s: done%n", name);
            }
            System.out.println(encoderTable(segRows, Runtime.getRuntime().availableProcessors(), device.resolve().toString()));
            if (models == null) {
                return 0;
            }
        }
        List<String> camModels = models != null ? models : List.of("cpu-demo", "deit-small");
        Path dir = work != null ? work : Files.createTempDirectory("weaktr-bench");
        List<CamBenchmark.Row> rows = new ArrayList<>();
        for (String name : camModels) {
            VitConfig vit = VitConfig.preset(name);
            int b = batch != null ? batch : name.equals("cpu-demo") ? 16 : 8;
            rows.add(CamBenchmark.run(vit, vit.imageSize(), b, steps, dir, device.resolve(), System.err));
        }
        System.out.println(table(rows, Runtime.getRuntime().availableProcessors()));
        return 0;
    }

    static String afaTable(List<dev.weaktr.afa.AfaBenchmark.Row> rows, int cores, String device) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "AFA (%s, %d cores, random weights)%n", device, cores));
        s.append("| backbone | crop | batch | train step, every term (s/step, median of %d) | segmentation (img/s, long side %d, 3 scales + flip) |\n"
                .formatted(rows.isEmpty() ? 0 : rows.get(0).steps() + 1, rows.isEmpty() ? 0 : rows.get(0).segImageSize()));
        s.append("|---|---|---|---|---|\n");
        for (dev.weaktr.afa.AfaBenchmark.Row r : rows) {
            s.append(String.format(Locale.ROOT, "| %s | %d px | %d | %.2f | %.3f |%n", r.backbone(), r.crop(), r.batch(),
                    r.stepSeconds(), r.segImagesPerSecond()));
        }
        return s.toString();
    }

    static String encoderTable(List<SegBenchmark.Row> rows, int cores, String device) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "Retraining encoders in the Segmenter (%s, %d cores, medians, random weights)%n", device, cores));
        s.append("| encoder | input | batch | fwd+bwd (ms) | inference (img/s) |\n|---|---|---|---|---|\n");
        for (SegBenchmark.Row r : rows) {
            s.append(String.format(Locale.ROOT, "| %s | %d px | %d | %.0f | %.2f |%n", r.encoder(), r.size(), r.batch(),
                    r.fwdBwdMs(), r.imagesPerSecond()));
        }
        return s.toString();
    }

    static String table(List<CamBenchmark.Row> rows, int cores) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "CAM phase benchmark (%d cores, medians)%n", cores));
        s.append("| model | input | batch | bare fwd+bwd (ms) | full train step (ms) | overhead | CAM inference (img/s, 3 scales + flip) |\n");
        s.append("|---|---|---|---|---|---|---|\n");
        for (CamBenchmark.Row r : rows) {
            s.append(String.format(Locale.ROOT, "| %s | %d px | %d | %.0f | %.0f | %+.1f %% | %.2f |%n", r.model(), r.size(),
                    r.batch(), r.bareMs(), r.fullMs(), r.overheadPercent(), r.camImagesPerSecond()));
        }
        return s.toString();
    }
}
