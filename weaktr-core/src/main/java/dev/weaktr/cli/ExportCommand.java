package dev.weaktr.cli;

import dev.weaktr.cam.CamCheckpoints;
import dev.weaktr.seg.SegCheckpoints;
import dev.weaktr.seg.SegRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a run's model tensors (official names, float32, no optimizer state) as safetensors for PyTorch: "
                + "a CAM run under the WeakTr CAM names, a retraining run under the official OnlineRetraining/segm names.")
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, description = "run folder (from train-cam, retrain or import)")
    Path run;

    @Option(names = "--out", required = true, description = "file to write, e.g. weaktr_cam.safetensors")
    Path out;

    @Option(names = "--checkpoint", description = "best | last. Default: best when the run has checkpoint-best.safetensors, else last")
    String checkpoint;

    @Override
    public Integer call() throws java.io.IOException {
        if (Files.isRegularFile(run.resolve("run.json"))) {
            dev.weaktr.io.Manifests.requireMethod(run, dev.weaktr.io.Manifests.WEAKTR, "export");
        }
        Path manifest = run.resolve(SegRun.FILE);
        boolean seg = Files.isRegularFile(manifest) && Files.readString(manifest).contains(SegRun.FORMAT);
        int n = seg ? SegCheckpoints.export(run, out, checkpoint) : CamCheckpoints.export(run, out, checkpoint);
        System.out.printf("exported %d tensors (%s) -> %s%n", n, seg ? "Segmenter, OnlineRetraining/segm names" : "CAM model", out);
        return 0;
    }
}
