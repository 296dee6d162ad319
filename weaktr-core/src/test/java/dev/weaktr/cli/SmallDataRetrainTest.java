package dev.weaktr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The case: {@code weaktr synth} data with 60 training images, seeds from a 2-epoch CAM run, then
 * {@code retrain --model cpu-demo --epochs 2} with every other flag at its default: it trains both epochs with a
 * finite loss at every step and skips none.
 */
class SmallDataRetrainTest {
    @TempDir
    Path tmp;

    @Test
    void cpuDemoDefaultsTrainTwoEpochsOnSixtyImagesWithFiniteLoss() throws Exception {
        Path data = tmp.resolve("data"), cam = tmp.resolve("cam"), cams = tmp.resolve("cams"), seeds = tmp.resolve("seeds");
        Path seg = tmp.resolve("seg");
        assertEquals(0, Cli.run("synth", "--out", data.toString(), "--train", "60", "--val", "2", "--seed", "0").code());
        assertEquals(0, Cli.run("train-cam", "--data", data.toString(), "--out", cam.toString(), "--model", "cpu-demo",
                "--epochs", "2").code());
        assertEquals(0, Cli.run("cams", "--run", cam.toString(), "--data", data.toString(), "--split", "train", "--out",
                cams.toString(), "--scales", "1.0", "--no-flip", "--no-refine").code());
        assertEquals(0, Cli.run("seeds", "--cams", cams.toString(), "--bg", "0.4", "--out", seeds.toString()).code());
        Cli.Run r = Cli.run("retrain", "--data", data.toString(), "--seeds", seeds.toString(), "--out", seg.toString(),
                "--model", "cpu-demo", "--epochs", "2");
        assertEquals(0, r.code(), r.err());
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(seg.resolve("log.jsonl"));
        int steps = 0, epochs = 0;
        for (String line : lines) {
            JsonNode rec = json.readTree(line);
            assertFalse(rec.has("skipped"), line);
            if (rec.has("mean_loss")) {
                steps++;
                assertTrue(Double.isFinite(rec.get("mean_loss").asDouble()) && Double.isFinite(rec.get("grad_norm").asDouble()), line);
            } else {
                epochs++;
                assertTrue(Double.isFinite(rec.get("loss").asDouble()), line);
            }
        }
        assertEquals(2, epochs);
        assertEquals(2 * (60 / 8), steps); // the from-scratch recipe: batch 8
    }
}
