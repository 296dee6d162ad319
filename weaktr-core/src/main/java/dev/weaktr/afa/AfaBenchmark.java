package dev.weaktr.afa;

import ai.djl.Device;
import dev.weaktr.backbone.MitConfig;
import dev.weaktr.data.Synth;
import dev.weaktr.data.SynthConfig;
import dev.weaktr.io.AtomicFiles;
import dev.weaktr.seg.SegPipeline;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Speed of AFA: the full training step of {@link AfaTrainer} with every term on (data decoding and augmentation,
 * the three-scale + flip CAM passes, PAR, the affinity and random-walk labels, forward, losses, backward, AdamW) on a
 * generated dataset, and the official multi-scale + flip segmentation ({@link AfaInference#segment}) in images/s.
 * Frugal with memory: one warm-up step and a few timed ones in one round, each step's tensors freed by scope.
 */
public final class AfaBenchmark {
    private AfaBenchmark() {}

    /** One row; times in seconds (median of the steps, the warm-up included among them). */
    public record Row(String backbone, int crop, int batch, int steps, double stepSeconds, double segImagesPerSecond,
            int segImageSize) {}

    public static Row run(MitConfig mit, int crop, int batch, int steps, Path work, Device device, PrintStream log) {
        int images = Math.max(batch * (steps + 1), 4);
        Path data = work.resolve(mit.name() + "-afa-data");
        // images of the crop's size: the random rescale (0.5-2.0) then crops or pads them, as VOC's ~500 px images
        Synth.generate(SynthConfig.of(images, 0, crop, 1), data);
        // every term from the first step and the random-walk label from the second: the most expensive path
        AfaTrainConfig cfg = AfaTrainConfig.builder(steps + 1, batch, crop).roundIterations(steps + 1).seed(0)
                .warmupIterations(0).camIterations(0).switchIteration(0).build();
        AfaTrainer.Result r = new AfaTrainer(new PrintStream(PrintStream.nullOutputStream())).train(data, "train",
                work.resolve(mit.name() + "-afa-run"), mit.name(), cfg, device, false, null);
        log.printf("%s: AFA train step (crop %d, batch %d) %.2f s%n", mit.name(), crop, batch, r.medianStepSeconds());
        Path split = data.resolve("ImageSets/Segmentation/bench.txt");
        AtomicFiles.writeString(split, String.join("\n",
                dev.weaktr.data.VocDataset.open(data, "train").ids().subList(0, 4)) + "\n");
        AfaInference.Settings official = AfaInference.Settings.official(Optional.empty());
        SegPipeline.Result seg = AfaPipeline.segment(r.run(), data, "bench", work.resolve(mit.name() + "-afa-pred"), official,
                true, device, new PrintStream(PrintStream.nullOutputStream()));
        double ips = seg.images() / seg.seconds();
        log.printf("%s: AFA segmentation %.2f images/s%n", mit.name(), ips);
        return new Row(mit.name(), crop, batch, steps, r.medianStepSeconds(), ips, official.resizeLong());
    }
}
