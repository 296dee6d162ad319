package dev.weaktr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weaktr.crf.CrfConfig;
import dev.weaktr.crf.DenseCrf;
import dev.weaktr.io.ImageFiles;
import dev.weaktr.io.Npy;
import dev.weaktr.io.RgbImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CrfCommandTest {
    @TempDir
    Path dir;

    private static final int W = 12;
    private static final int H = 8;

    private Path image() {
        byte[] rgb = new byte[W * H * 3];
        for (int i = 0; i < W * H; i++) {
            rgb[3 * i] = (byte) ((i % W) < W / 2 ? 30 : 220);
        }
        Path p = dir.resolve("img.png");
        ImageFiles.write(p, new RgbImage(W, H, rgb));
        return p;
    }

    private float[] probs(int m) {
        float[] p = new float[m * W * H];
        for (int i = 0; i < W * H; i++) {
            for (int l = 0; l < m; l++) {
                p[l * W * H + i] = (l == (i % W < W / 2 ? 0 : 1) ? 0.6f : 0.4f / (m - 1));
            }
        }
        return p;
    }

    private Path npy(String name, float[] data, int... shape) {
        Path p = dir.resolve(name);
        Npy.write(p, data, shape);
        return p;
    }

    private record Result(int code, String out, String err) {}

    private Result run(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void refinesAndWritesTheSameShape() {
        Path img = image();
        float[] p = probs(3);
        Path in = npy("p.npy", p, 3, H, W);
        Path out = dir.resolve("q.npy");
        Result r = run("crf", "--image", img.toString(), "--probs", in.toString(), "--preset", "weaktr-seg-voc",
                "--iterations", "4", "--threads", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Npy.FloatArray q = Npy.read(out);
        assertEquals(java.util.List.of(3, H, W), java.util.Arrays.stream(q.shape()).boxed().toList());
        float[] expected = DenseCrf.refine(ImageFiles.readRgb(img), p, 3, CrfConfig.WEAKTR_SEG_VOC.withIterations(4));
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], q.data()[i], 0f);
        }
    }

    @Test
    void badInputsExitTwoWithAClearMessage() {
        Path img = image();
        Path out = dir.resolve("q.npy");
        float[] nan = probs(3);
        nan[5] = Float.NaN;
        float[] neg = probs(3);
        neg[7] = -0.1f;
        String[][] cases = {
            {npy("flat.npy", probs(3), 3 * H, W).toString(), "3-d array"},
            {npy("nan.npy", nan, 3, H, W).toString(), "NaN"},
            {npy("neg.npy", neg, 3, H, W).toString(), "-0.1"},
            {npy("size.npy", probs(2), 2, W, H).toString(), "image"},
        };
        for (String[] c : cases) {
            Result r = run("crf", "--image", img.toString(), "--probs", c[0], "--preset", "afa", "--out", out.toString());
            assertEquals(2, r.code(), c[0]);
            assertTrue(r.err().contains(c[1]) && r.err().contains(Path.of(c[0]).getFileName().toString()),
                    "message for " + c[0] + ": " + r.err());
            assertTrue(!r.err().contains("at dev."), "no stack trace: " + r.err());
        }
        Path good = npy("good.npy", probs(3), 3, H, W);
        Result preset = run("crf", "--image", img.toString(), "--probs", good.toString(), "--preset", "nope",
                "--out", out.toString());
        assertEquals(2, preset.code());
        assertTrue(preset.err().contains("weaktr-cam-voc"), preset.err());
        Result missing = run("crf", "--image", dir.resolve("none.png").toString(), "--probs", good.toString(),
                "--preset", "afa", "--out", out.toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("none.png"), missing.err());
        assertTrue(!Files.exists(out), "no output on error");
    }

    @Test
    void benchRunsOnATinyImage() {
        Result r = run("crf-bench", "--width", "24", "--height", "16", "--labels", "3", "--images", "2",
                "--threads", "2", "--repeats", "1", "--iterations", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("latency") && r.out().contains("throughput"), r.out());
    }
}
