package dev.weaktr.seg;

import ai.djl.Device;
import dev.weaktr.nn.VitConfig;
import java.io.PrintStream;
import java.nio.file.Path;

/** Test access to {@link SegTrainer}'s stop-after-an-epoch hook, with the flags SegPipelineCliTest uses. */
public final class SegTrainerAccess {
    private SegTrainerAccess() {}

    public static void trainOneEpochOfTwo(Path data, Path seeds, Path run) {
        SegTrainConfig cfg = SegTrainConfig.preset(dev.weaktr.train.Recipe.OFFICIAL, 64).epochs(2).lr(0.01).seed(3).build();
        new SegTrainer(new PrintStream(PrintStream.nullOutputStream())).train(data, "train", seeds, run,
                SegmenterConfig.of(VitConfig.CPU_DEMO.withImageSize(64), 6), cfg, SegTrainer.Init.NONE, Device.cpu(), false, 1);
    }
}
