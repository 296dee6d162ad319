package dev.weaktr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weaktr.cam.CamTrainConfig;
import dev.weaktr.seg.SegTrainConfig;
import dev.weaktr.train.Recipe;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Named recipes: the preset follows --model, every flag overrides one field, run.json records the preset; a batch
 * larger than the split trains with the split's size (said once, recorded), fewer than 2 images is an error.
 */
class RecipeCliTest {
    @TempDir
    static Path tmp;
    static Path data;

    @BeforeAll
    static void data() {
        data = tmp.resolve("data");
        assertEquals(0, Cli.run("synth", "--out", data.toString(), "--train", "6", "--val", "1", "--size", "64").code());
    }

    /** {exit code, stdout, stderr}, capturing System.out (the commands print progress there). */
    static Object[] run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        try {
            Cli.Run r = Cli.run(args);
            return new Object[] {r.code(), out.toString(), r.err()};
        } finally {
            System.setOut(old);
        }
    }

    static JsonNode train(Path run) throws Exception {
        return new ObjectMapper().readTree(run.resolve("run.json").toFile()).get("train");
    }

    @Test
    void presetsHoldTheWalkThroughAndTheOfficialRecipes() {
        CamTrainConfig scratch = CamTrainConfig.preset(Recipe.FROM_SCRATCH, 128).build();
        assertEquals(20, scratch.epochs());
        assertEquals(8, scratch.batch());
        assertEquals(2.5e-4, scratch.effectiveLr(), 1e-12); // 0.016 · 8 / 512
        assertEquals(0, scratch.warmupEpochs());
        assertEquals(0.5, scratch.augment().scaleMin());
        assertEquals(1.0, scratch.maxGradNorm());
        CamTrainConfig official = CamTrainConfig.preset(Recipe.OFFICIAL, 224).build();
        assertEquals(60, official.epochs());
        assertEquals(64, official.batch());
        assertEquals(4e-4, official.lr());
        assertEquals(5, official.warmupEpochs());
        assertEquals(0.08, official.augment().scaleMin());
        assertEquals(0.0, official.maxGradNorm());
        SegTrainConfig seg = SegTrainConfig.preset(Recipe.FROM_SCRATCH, 128).build();
        assertEquals(12, seg.epochs());
        assertEquals(8, seg.batch());
        assertEquals(0.01, seg.lr());
        assertEquals(32, seg.clipPatch());
        assertEquals(1.0, seg.maxGradNorm());
        assertEquals(SegTrainConfig.official(480, true, 0), SegTrainConfig.preset(Recipe.OFFICIAL, 480).build());
        assertEquals(Recipe.FROM_SCRATCH, Recipe.defaultFor("cpu-demo"));
        assertEquals(Recipe.OFFICIAL, Recipe.defaultFor("deit-small"));
    }

    @Test
    void cpuDemoTrainsFromScratchByDefaultAndABatchLargerThanTheSplitShrinks() throws Exception {
        Path runDir = tmp.resolve("cam");
        Object[] r = run("train-cam", "--data", data.toString(), "--out", runDir.toString(), "--model", "cpu-demo",
                "--epochs", "1", "--crop", "32");
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(((String) r[1]).contains("note: --batch 8 is larger than the 6 images of split 'train': training with batch 6"),
                (String) r[1]);
        JsonNode t = train(runDir);
        assertEquals("from-scratch", t.get("recipe").asText());
        assertEquals(1, t.get("epochs").asInt()); // the flag overrides the preset's 20
        assertEquals(6, t.get("batch").asInt());
        assertEquals(8, t.get("requestedBatch").asInt());
        assertEquals(0.016, t.get("lr").asDouble());
        assertEquals(0, t.get("warmupEpochs").asInt());
        assertEquals(1.0, t.get("maxGradNorm").asDouble());
    }

    @Test
    void theOfficialRecipeCanBeAskedForAndEveryFlagOverridesIt() throws Exception {
        Path runDir = tmp.resolve("cam-official");
        Object[] r = run("train-cam", "--data", data.toString(), "--out", runDir.toString(), "--model", "cpu-demo",
                "--recipe", "official", "--epochs", "1", "--batch", "3", "--crop", "32", "--scale-min", "0.3");
        assertEquals(0, r[0], (String) r[2]);
        JsonNode t = train(runDir);
        assertEquals("official", t.get("recipe").asText());
        assertEquals(3, t.get("batch").asInt());
        assertTrue(t.get("requestedBatch").isNull());
        assertEquals(4e-4, t.get("lr").asDouble());
        assertEquals(5, t.get("warmupEpochs").asInt());
        assertEquals(0.3, t.get("augment").get("scaleMin").asDouble());
        assertEquals(0.0, t.get("maxGradNorm").asDouble());
    }

    @Test
    void retrainRecordsItsRecipeAndShrinksTheBatchToo() throws Exception {
        Path seeds = tmp.resolve("data").resolve("SegmentationClass"); // the true masks serve as seeds here
        Path runDir = tmp.resolve("seg");
        Object[] r = run("retrain", "--data", data.toString(), "--seeds", seeds.toString(), "--out", runDir.toString(),
                "--model", "cpu-demo", "--crop", "32", "--epochs", "1", "--batch", "9");
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(((String) r[1]).contains("training with batch 6"), (String) r[1]);
        JsonNode t = train(runDir);
        assertEquals("from-scratch", t.get("recipe").asText());
        assertEquals(6, t.get("batch").asInt());
        assertEquals(9, t.get("requestedBatch").asInt());
        assertEquals(0.01, t.get("lr").asDouble());
        assertEquals(8, t.get("clipPatch").asInt());
    }

    @Test
    void unknownRecipesAndSplitsOfOneImageAreUserErrors() {
        Object[] r = run("train-cam", "--data", data.toString(), "--out", tmp.resolve("x").toString(), "--model", "cpu-demo",
                "--recipe", "fast");
        assertEquals(2, r[0]);
        assertTrue(((String) r[2]).contains("unknown --recipe 'fast'"), (String) r[2]);
        r = run("train-cam", "--data", data.toString(), "--split", "val", "--out", tmp.resolve("y").toString(),
                "--model", "cpu-demo", "--crop", "32");
        assertEquals(2, r[0]);
        assertTrue(((String) r[2]).contains("split 'val' has 1 image; training needs at least 2"), (String) r[2]);
    }

    @Test
    void helpNamesTheRecipes() {
        Object[] r = Cli.withOutput("train-cam", "--help");
        assertTrue(((String) r[1]).contains("--recipe=official|from-scratch"), (String) r[1]);
        r = Cli.withOutput("retrain", "--help");
        assertTrue(((String) r[1]).contains("--recipe=official|from-scratch"), (String) r[1]);
    }
}
