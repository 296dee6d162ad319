package dev.weaktr.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weaktr.WeaktrException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the report shows of a run folder: read from its {@code run.json} as a tree, so that every method's
 * runs (whatever record type wrote them) show their method, backbone, variant and recipe, plus its log.
 *
 * @param format run.json's {@code format} (e.g. weaktr-cam-run-1)
 * @param variant the fusion of a CAM run, the decoder of a retraining run
 * @param imagesPerSecond training images per second over the logged epochs
 * @param manifest run.json, pretty-printed (the provenance block)
 */
public record RunInfo(Path dir, String name, String format, String method, String backbone, String variant,
        String recipe, List<String> classes, String data, double trainSeconds, double imagesPerSecond,
        TrainingLog log, String manifest) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static RunInfo read(Path dir) {
        Path file = dir.resolve("run.json");
        JsonNode t;
        String pretty;
        try {
            t = JSON.readTree(file.toFile());
            pretty = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(t);
        } catch (IOException e) {
            throw new WeaktrException(dir + ": cannot read run.json: " + e.getMessage(), e);
        }
        if (t == null || !t.isObject() || !t.path("format").isTextual() || !t.path("classes").isArray()) {
            throw new WeaktrException(dir + " has a run.json that no weaktr command wrote (no format or classes)");
        }
        String format = t.path("format").asText();
        List<String> classes = new ArrayList<>();
        t.path("classes").forEach(c -> classes.add(c.asText()));
        JsonNode net = t.path("net");
        JsonNode train = t.path("train");
        String method, backbone, variant;
        if (format.startsWith("weaktr-cam-run")) {
            method = net.path("fusion").asText().equals("mean-sum") ? "CAM (MCTformer fusion)" : "WeakTr CAM";
            backbone = net.path("backbone").path("name").asText("?");
            variant = "fusion " + net.path("fusion").asText("?");
        } else if (format.startsWith("weaktr-seg-run")) {
            method = "WeakTr retraining";
            backbone = net.path("encoder").path("name").asText("?");
            variant = train.isObject() ? (train.path("gradientClip").asBoolean() ? "gradient-clip decoder" : "naive decoder")
                    : "decoder";
        } else { // a method added later: its own run.json names what it is
            method = t.path("method").asText(format.replaceFirst("-run-\\d+$", ""));
            backbone = firstText(net.path("backbone").path("name"), net.path("encoder").path("name"), t.path("backbone"));
            variant = firstText(net.path("fusion"), net.path("decoder"), t.path("variant"));
        }
        String recipe;
        if (!train.isObject()) {
            recipe = t.path("pretrained").isTextual() ? "imported" : "—";
        } else {
            recipe = String.format(Locale.ROOT, "%d ep × batch %d, lr %s", train.path("epochs").asInt(),
                    train.path("batch").asInt(), shortNumber(train.path("lr").asDouble()));
            String init = firstText(t.path("pretrained"), t.path("initFrom"));
            recipe += init.equals("—") ? ", from scratch" : ", init " + Path.of(init.replaceFirst("^cam-run:", "")).getFileName();
        }
        TrainingLog log = TrainingLog.read(dir);
        double seconds = log.seconds();
        int batch = train.path("batch").asInt(0);
        double ips = batch > 0 && seconds > 0 ? log.timedSteps() * batch / seconds : Double.NaN;
        return new RunInfo(dir, dir.getFileName().toString(), format, method, backbone, variant, recipe, classes,
                t.path("data").asText(null), seconds, ips, log, pretty);
    }

    private static String firstText(JsonNode... nodes) {
        for (JsonNode n : nodes) {
            if (n.isTextual() && !n.asText().isEmpty()) {
                return n.asText();
            }
        }
        return "—";
    }

    static String shortNumber(double v) {
        String s = String.format(Locale.ROOT, "%.3g", v);
        return s.contains("e") ? s.replaceFirst("\\.?0+e", "e") : s.replaceFirst("\\.?0+$", "");
    }
}
