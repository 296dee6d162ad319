package dev.weaktr.seg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.data.ImageStats;
import dev.weaktr.io.Npy;
import dev.weaktr.io.WeightFile;
import dev.weaktr.nn.Parameters;
import dev.weaktr.nn.VitConfig;
import dev.weaktr.train.Checkpoint;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OFFICIAL OnlineRetraining Segmenter (hustvl/WeakTr HEAD, {@code MultiSegmenter} + {@code MultiMaskTransformer},
 * README in src/test/resources/weights/official/) wrote a state dict, an input and both decoder blocks' logits:
 * the same weights give the same logits here, and {@code weaktr export} of those weights gives back the official
 * state dict, name for name and value for value (all but the unused {@code encoder.head.*}), i.e. what
 * {@code load_state_dict} needs.
 */
class OfficialSegmenterTest {
    static final Path DIR = Path.of("src/test/resources/weights/official/segmenter");
    // patch 8, D 64, 1 encoder block, 1 head (the decoder's d_model // 64), MLP ratio 2, crop 32; K = 4; 2 decoder blocks
    static final SegmenterConfig NET = new SegmenterConfig(new VitConfig("fixture-seg", 8, 64, 1, 1, 2, 1e-5f, 0, 32), 4, 2,
            0.1f, ImageStats.IMAGENET);

    @TempDir
    Path tmp;

    @Test
    void sameWeightsSameLogitsAndExportGivesTheOfficialStateDict() {
        WeightFile official = WeightFile.read(DIR.resolve("segmenter.pth"));
        Map<String, float[]> values = new LinkedHashMap<>(official.tensors());
        values.keySet().removeIf(k -> k.startsWith("encoder.head."));
        Path run = tmp.resolve("run");
        try (NDManager m = NDManager.newBaseManager()) {
            Parameters params = new Parameters(m, DataType.FLOAT32, 0, false);
            Segmenter model = new Segmenter(params, NET);
            assertEquals(values.keySet(), params.all().keySet(), "weaktr's Segmenter has exactly the official tensors");
            params.load(values, official.shapes(), "segmenter.pth");
            Npy.FloatArray x = Npy.read(DIR.resolve("input.npy")); // [1, 3, 36, 44]: padded to 40x48, grid 5x6
            List<NDArray> out = model.forward(m.create(x.data(), new Shape(1, 3, 36, 44)), null, true);
            double err = Math.max(compare("masks1.npy", out.get(0)), compare("masks2.npy", out.get(1)));
            System.out.printf(Locale.ROOT, "official Segmenter: max abs logit difference %.3g%n", err);
            Checkpoint.save(run.resolve(Checkpoint.FILE), params, null, 1, Map.of("task", "seg"));
        }
        new SegRun(SegRun.FORMAT, NET, List.of("background", "a", "b", "c"), SegTrainConfig.official(32, true, 0), null, null,
                null, "test", NET.normalization().mean(), NET.normalization().std()).write(run);
        Path exported = tmp.resolve("segmenter.safetensors");
        int n = SegCheckpoints.export(run, exported, "last");
        WeightFile file = WeightFile.read(exported);
        assertEquals(n, file.tensors().size());
        Set<String> missing = official.tensors().keySet().stream().filter(k -> !file.has(k)).collect(Collectors.toSet());
        assertEquals(Set.of("encoder.head.weight", "encoder.head.bias"), missing);
        for (String k : file.tensors().keySet()) {
            assertTrue(official.has(k), "unexpected key " + k);
            assertArrayEquals(official.shape(k), file.shape(k), k);
            assertArrayEquals(official.tensors().get(k), file.tensors().get(k), 0f, k);
        }
    }

    private static double compare(String name, NDArray got) {
        Npy.FloatArray want = Npy.read(DIR.resolve(name));
        assertArrayEquals(want.shape(), java.util.Arrays.stream(got.getShape().getShape()).mapToInt(v -> (int) v).toArray());
        float[] g = got.toFloatArray();
        double max = 0;
        for (int i = 0; i < g.length; i++) {
            max = Math.max(max, Math.abs(g[i] - want.data()[i]));
        }
        assertTrue(max <= 1e-4, name + ": max abs difference " + max);
        return max;
    }
}
