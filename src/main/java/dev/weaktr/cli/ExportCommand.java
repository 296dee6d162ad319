package dev.weaktr.cli;

import dev.weaktr.cam.CamCheckpoints;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a run's model tensors (official/timm names, float32, no optimizer state) as safetensors for PyTorch.")
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, description = "CAM run folder (from train-cam or import)")
    Path run;

    @Option(names = "--out", required = true, description = "file to write, e.g. weaktr_cam.safetensors")
    Path out;

    @Override
    public Integer call() {
        int n = CamCheckpoints.export(run, out);
        System.out.printf("exported %d tensors -> %s%n", n, out);
        return 0;
    }
}
