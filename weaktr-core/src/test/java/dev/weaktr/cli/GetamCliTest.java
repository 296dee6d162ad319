package dev.weaktr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.weaktr.backbone.DptVitConfig;
import dev.weaktr.data.Synth;
import dev.weaktr.data.SynthConfig;
import dev.weaktr.data.VocDataset;
import dev.weaktr.getam.GetamConfig;
import dev.weaktr.getam.GetamNet;
import dev.weaktr.io.LabelPng;
import dev.weaktr.io.SafeTensors;
import dev.weaktr.nn.Parameters;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The steps after {@code train --method getam} through the CLI (cpu-demo backbone, 32 features, 64 px images, small
 * square sides to keep it fast): cams → eval-cam → seeds, pseudo (with the run's saliency, with {@code --saliency}, and
 * image-level only) → eval → retrain, segment (with {@code --crf getam}) → eval, predict; {@code import --kind getam};
 * bad saliency maps and checkpoints of another backbone as one line naming the file, exit 2.
 */
class GetamCliTest {
    @TempDir
    Path tmp;

    @Test
    void theStepsAfterTrainingTakeAGetamRun() throws Exception {
        Path d = tmp.resolve("data");
        Synth.generate(SynthConfig.of(4, 2, 64, 5), d);
        Path sal = saliencyFromMasks(d, tmp.resolve("sal"));
        Path run = tmp.resolve("getam");
        ok("train", "--method", "getam", "--data", d.toString(), "--out", run.toString(), "--backbone", "cpu-demo",
                "--features", "32", "--iters", "2", "--batch", "2", "--crop", "64", "--saliency", sal.toString());
        assertTrue(Files.readString(run.resolve("run.json")).contains("\"method\" : \"getam\""));
        Path cams = tmp.resolve("cams");
        ok("cams", "--run", run.toString(), "--data", d.toString(), "--split", "train", "--out", cams.toString(),
                "--scales", "64,96");
        assertTrue(Files.isRegularFile(cams.resolve("cams.tsv")));
        ok("eval-cam", "--cams", cams.toString(), "--data", d.toString(), "--split", "train");
        ok("seeds", "--cams", cams.toString(), "--bg", "0.45", "--out", tmp.resolve("seeds").toString());
        Path pseudo = tmp.resolve("pseudo");
        ok("pseudo", "--run", run.toString(), "--data", d.toString(), "--split", "train", "--out", pseudo.toString(),
                "--scales", "64");
        assertEquals(4, Files.readAllLines(pseudo.resolve("seeds.txt")).size());
        assertTrue(Files.readString(pseudo.resolve("seeds.json")).contains(sal.toAbsolutePath().toString()),
                "the run's saliency folder is used by default");
        VocDataset ds = VocDataset.open(d, "train");
        ok("eval", "--pred", pseudo.toString(), "--data", d.toString(), "--split", "train");
        ok("pseudo", "--run", run.toString(), "--data", d.toString(), "--split", "train", "--out",
                tmp.resolve("pseudo-img").toString(), "--scales", "64", "--no-saliency");
        assertTrue(Files.readString(tmp.resolve("pseudo-img/seeds.json")).contains("image-level only"));
        ok("retrain", "--data", d.toString(), "--seeds", pseudo.toString(), "--out", tmp.resolve("seg").toString(),
                "--model", "cpu-demo", "--depth", "1", "--epochs", "1", "--crop", "64");
        Path pred = tmp.resolve("pred");
        ok("segment", "--run", run.toString(), "--data", d.toString(), "--split", "val", "--out", pred.toString(),
                "--scales", "64,96", "--crf", "getam");
        assertTrue(Files.readString(pred.resolve("pred.json")).contains("getam"));
        ok("eval", "--pred", pred.toString(), "--data", d.toString(), "--split", "val");
        Path masks = tmp.resolve("masks");
        Path image = d.resolve("JPEGImages").resolve(VocDataset.open(d, "val").ids().get(0) + ".jpg");
        if (!Files.exists(image)) {
            image = d.resolve("JPEGImages").resolve(VocDataset.open(d, "val").ids().get(0) + ".png");
        }
        ok("predict", "--run", run.toString(), "--out", masks.toString(), "--scales", "64", image.toString());
        assertTrue(Files.list(masks).anyMatch(p -> p.toString().endsWith("_overlay.png")));

        // bad input: a missing saliency map, a map of another size, WeakTr flags on a GETAM run, bad square sides
        String first = ds.ids().get(0);
        Path bad = tmp.resolve("sal-bad");
        saliencyFromMasks(d, bad);
        Files.delete(bad.resolve(first + ".png"));
        expect(bad.resolve(first + ".png").toString(), "pseudo", "--run", run.toString(), "--data", d.toString(),
                "--split", "train", "--out", tmp.resolve("p2").toString(), "--saliency", bad.toString());
        ImageIO.write(new BufferedImage(7, 5, BufferedImage.TYPE_BYTE_GRAY), "png", bad.resolve(first + ".png").toFile());
        expect(bad.resolve(first + ".png") + ": saliency map is 7x5", "pseudo", "--run", run.toString(), "--data",
                d.toString(), "--split", "train", "--out", tmp.resolve("p3").toString(), "--saliency", bad.toString());
        assertFalse(Files.exists(tmp.resolve("p3").resolve(first + ".png")), "nothing is written before the check");
        expect("GETAM run", "cams", "--run", run.toString(), "--data", d.toString(), "--split", "train", "--out",
                tmp.resolve("c2").toString(), "--no-flip");
        expect("multiples of 32", "segment", "--run", run.toString(), "--data", d.toString(), "--split", "val", "--out",
                tmp.resolve("p4").toString(), "--scales", "100");
        expect("square sides in pixels", "segment", "--run", run.toString(), "--data", d.toString(), "--split", "val",
                "--out", tmp.resolve("p5").toString(), "--scales", "1.5");
    }

    /**
     * {@code import --kind getam}: a checkpoint in the official layout ({@code model.module.state_dict()} names, BN
     * {@code num_batches_tracked}, here with a DDP {@code module.} prefix) on the cpu-demo backbone becomes a run that
     * predict reads; another backbone, a non-weaktr backbone (the official fixture's tiny DeiT) and a non-GETAM file
     * are one line naming the file.
     */
    @Test
    void importsAGetamCheckpoint() throws Exception {
        Path file = tmp.resolve("getam_cpu_demo.safetensors");
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 3, false);
            new GetamNet(p, new GetamConfig(DptVitConfig.CPU_DEMO, 20, 32));
            Map<String, float[]> t = new LinkedHashMap<>();
            Map<String, long[]> s = new LinkedHashMap<>();
            p.all().forEach((k, v) -> {
                t.put("module." + k, v.toFloatArray());
                s.put("module." + k, v.getShape().getShape());
            });
            t.put("module.scratch.output_conv.1.num_batches_tracked", new float[] {7});
            s.put("module.scratch.output_conv.1.num_batches_tracked", new long[0]);
            SafeTensors.write(file, t, s, Map.of());
        }
        Path run = tmp.resolve("imported");
        ok("import", "--kind", "getam", "--from", file.toString(), "--out", run.toString());
        String json = Files.readString(run.resolve("run.json"));
        assertTrue(json.contains("\"method\" : \"getam\"") && json.contains("\"backbone\" : \"cpu-demo\""), json);
        Path img = tmp.resolve("img.png");
        BufferedImage b = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                b.setRGB(x, y, (x * 6) << 16 | (y * 8) << 8 | 90);
            }
        }
        ImageIO.write(b, "png", img.toFile());
        ok("predict", "--run", run.toString(), "--out", tmp.resolve("masks").toString(), "--scales", "64", img.toString());
        LabelPng.LabelMap mask = LabelPng.read(tmp.resolve("masks/img.png"));
        assertEquals(40, mask.width());
        assertEquals(30, mask.height());

        expect(file + " holds a GETAM network on cpu-demo but --model vit-hybrid", "import", "--kind", "getam", "--from",
                file.toString(), "--out", tmp.resolve("i2").toString(), "--model", "vit-hybrid");
        Path official = Path.of("src/test/resources/getam/getam_distilled.pth");
        expect(official + " holds a GETAM network on no weaktr backbone", "import", "--kind", "getam", "--from",
                official.toString(), "--out", tmp.resolve("i3").toString(), "--model", "deit-b-distilled");
        expect("is not an official GETAM checkpoint", "import", "--kind", "getam", "--from",
                "src/test/resources/weights/cam_tiny.pth", "--out", tmp.resolve("i4").toString());
        expect("already holds a run", "import", "--kind", "getam", "--from", file.toString(), "--out", run.toString());
    }

    /** A saliency PNG per image of both splits: 255 where the synthetic mask is an object, 0 elsewhere. */
    static Path saliencyFromMasks(Path data, Path out) {
        dev.weaktr.getam.SaliencyMaps.writeFromMasks(VocDataset.open(data, "train"), out);
        return dev.weaktr.getam.SaliencyMaps.writeFromMasks(VocDataset.open(data, "val"), out);
    }

    private static void ok(String... args) {
        Cli.Run r = Cli.run(args);
        assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
    }

    private static void expect(String fragment, String... args) {
        Cli.Run r = Cli.run(args);
        assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
        assertTrue(r.err().contains(fragment), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
