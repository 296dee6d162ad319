package dev.weaktr.demo;

import ai.djl.Device;
import dev.weaktr.cam.CamPipeline;
import dev.weaktr.data.VocDataset;
import dev.weaktr.eval.CamEvaluator;
import dev.weaktr.report.Report;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's last step: {@code report.html} comparing its runs on the validation split. The CAM runs' maps
 * are scored on the training split in the demo's table (they label it); the report compares one split, so
 * the CAM runs also map and score the validation images ({@code cams-<fusion>[-fused]-val}).
 */
final class DemoReport {
    private DemoReport() {}

    static Report.Result write(Path out, double[] camScales, Device device, PrintStream console) {
        Path data = out.resolve("data");
        VocDataset val = VocDataset.open(data, "val");
        List<Path> inputs = new ArrayList<>();
        for (String fusion : List.of("aaf", "mean-sum")) {
            Path run = out.resolve("cam-" + fusion);
            inputs.add(run);
            for (boolean refine : new boolean[] {true, false}) {
                Path cams = out.resolve("cams-" + fusion + (refine ? "" : "-fused") + "-val");
                console.println("== cams of the val split " + (refine ? "(patch-refined)" : "(fused)") + " -> " + cams);
                CamPipeline.generate(run, data, "val", cams, camScales, true, refine, device, console);
                CamEvaluator.writeMetrics(cams.resolve("metrics.json"), CamEvaluator.evaluate(cams, val, 0.0, 0.6, 0.01));
                inputs.add(cams);
            }
        }
        for (String decoder : List.of("naive", "gradient-clip")) {
            inputs.add(out.resolve("seg-" + decoder));
            inputs.add(out.resolve("pred-" + decoder));
        }
        Path file = out.resolve("report.html");
        console.println("== report -> " + file);
        return Report.write(new Report.Options(data, "val", inputs, file, 8, false));
    }
}
