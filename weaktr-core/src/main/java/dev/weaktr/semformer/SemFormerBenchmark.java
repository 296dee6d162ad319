package dev.weaktr.semformer;

import ai.djl.Device;
import dev.weaktr.cam.CamPipeline;
import dev.weaktr.data.Synth;
import dev.weaktr.data.SynthConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code weaktr bench --semformer MODEL}: the median full training step of each stage (augmentation, forward, losses,
 * backward, update; the segmentor's step includes the frozen CAAE's two passes over every present (image, class)
 * pair) on synthetic data, random weights, and the CRA CAM throughput (4 scales + flips) of the trained segmentor;
 * then AffinityNet's training step (the affinity labels of those CAMs) and the throughput of {@code pseudo} (CRA CAM,
 * AffinityNet boundary, random walk, final CRF) per image.
 */
public final class SemFormerBenchmark {
    private SemFormerBenchmark() {}

    /** One row: a stage, its crop and batch, the median step, and images/s of CAM inference (seg only; NaN else). */
    public record Row(String stage, String model, int crop, int batch, double stepMs, double camImagesPerSecond) {}

    /** Both stages; {@code steps} timed steps per stage (plus one epoch's worth of warm-up counted in the median). */
    public static List<Row> run(String model, int steps, int batch, Path work, Device device, PrintStream log) {
        Path data = work.resolve("semformer-data");
        SemFormerTrainConfig caaeCfg = SemFormerTrainConfig.official(SemFormerTrainConfig.CAAE, model, 0);
        SemFormerTrainConfig segCfg = SemFormerTrainConfig.official(SemFormerTrainConfig.SEG, model, 0);
        int images = (steps + 2) * batch;
        Synth.generate(SynthConfig.of(images, 0, Math.max(caaeCfg.crop(), segCfg.crop()), 1), data);
        PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
        caaeCfg = caaeCfg.with(1, batch, null, null);
        Path caaeRun = work.resolve("semformer-caae");
        SemFormerTrainer.Result a = new SemFormerTrainer(quiet).train(data, "train", caaeRun, caaeCfg, null, device, false, null);
        log.printf(Locale.ROOT, "semformer caae: step %.0f ms%n", a.medianStepSeconds() * 1000);
        segCfg = segCfg.with(1, batch, null, null);
        Path segRun = work.resolve("semformer-seg");
        SemFormerTrainer.Result s = new SemFormerTrainer(quiet).train(data, "train", segRun, segCfg, caaeRun, device, false, null);
        log.printf(Locale.ROOT, "semformer seg: step %.0f ms%n", s.medianStepSeconds() * 1000);
        java.util.List<String> ids = dev.weaktr.data.VocDataset.open(data, "train").ids();
        dev.weaktr.io.AtomicFiles.writeString(data.resolve("ImageSets/Segmentation/bench.txt"),
                String.join("\n", ids.subList(0, Math.min(8, ids.size()))) + "\n");
        CamPipeline.CamsResult cams = SemFormerCams.generate(segRun, data, "bench", work.resolve("semformer-cams"),
                CraCam.SCALES, CraCam.LAYERS, device, quiet);
        // the pseudo-label chain: AffinityNet (ResNet-50 edge branch at crop 512; random backbone) on the CAMs' affinity
        // labels, then `pseudo` (CRA CAM, boundary map, random walk, CRF) per image
        AffinityTrainConfig affCfg = AffinityTrainConfig.official(model.equals("cpu-demo") ? "cpu-demo" : "resnet50", 0)
                .with(1, Math.min(batch, Math.min(8, ids.size())), null, null);
        Path affRun = work.resolve("semformer-aff");
        AffinityTrainer.Result f = new AffinityTrainer(quiet).train(data, "bench", work.resolve("semformer-cams"), affRun,
                affCfg, device, false, null);
        log.printf(Locale.ROOT, "semformer aff: step %.0f ms%n", f.medianStepSeconds() * 1000);
        long t0 = System.nanoTime();
        int n = SemFormerPseudo.run(segRun, affRun, data, "bench", work.resolve("semformer-pseudo"),
                SemFormerPseudo.Source.RANDOM_WALK, device, quiet);
        double pseudo = n / ((System.nanoTime() - t0) / 1e9);
        return List.of(new Row("caae", model, caaeCfg.crop(), batch, a.medianStepSeconds() * 1000, Double.NaN),
                new Row("seg", model, segCfg.crop(), batch, s.medianStepSeconds() * 1000, cams.images() / cams.seconds()),
                new Row("aff (" + affCfg.model() + ")", model, affCfg.crop(), affCfg.batch(), f.medianStepSeconds() * 1000,
                        pseudo));
    }

    public static String table(List<Row> rows, int cores, String device) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "SemFormer (%s, %d cores, medians, synthetic data, random weights)%n", device, cores));
        s.append("| stage | model | crop | batch | full train step (ms) | inference (img/s): seg = CRA CAM (4 scales + flip); "
                + "aff = pseudo (CRA CAM + boundary + random walk + CRF) |\n");
        s.append("|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            s.append(String.format(Locale.ROOT, "| %s | %s | %d px | %d | %.0f | %s |%n", r.stage(), r.model(), r.crop(),
                    r.batch(), r.stepMs(), Double.isNaN(r.camImagesPerSecond()) ? "–"
                            : String.format(Locale.ROOT, "%.2f", r.camImagesPerSecond())));
        }
        return s.toString();
    }
}
