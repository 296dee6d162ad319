package dev.weaktr.semformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.weaktr.WeaktrException;
import dev.weaktr.data.ClassList;
import dev.weaktr.io.SafeTensors;
import dev.weaktr.nn.Parameters;
import dev.weaktr.train.Checkpoint;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Official SemFormer checkpoints into run folders: a cpu-demo CAAE written in the official layout (DataParallel
 * prefix, {@code grid_posembed}) imports tensor for tensor; the fixture checkpoints written by the official code
 * (shapes of no preset) and the wrong stage are refused in one line.
 */
class SemFormerImportTest {
    @TempDir
    Path tmp;

    @Test
    void officialLayoutCaaeBecomesARun() {
        ClassList classes = ClassList.of(List.of("background", "a", "b"));
        Map<String, float[]> ours;
        Map<String, float[]> file = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager()) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 5, false);
            new ClassAwareAutoEncoder(p, CaaeConfig.cpuDemo(3));
            ours = p.snapshot();
            p.all().forEach((k, v) -> {
                String name = "module." + (k.equals(ClassAwareAutoEncoder.ENCODER_PREFIX + "pos_embed")
                        ? "encoder.vit_backbone.grid_posembed" : k);
                file.put(name, ours.get(k));
                shapes.put(name, v.getShape().getShape());
            });
        }
        file.put("module.encoder.vit_backbone.model.dist_token", new float[192]); // saved by the official code, unused
        shapes.put("module.encoder.vit_backbone.model.dist_token", new long[] {1, 1, 192});
        Path ckpt = tmp.resolve("caae.safetensors");
        SafeTensors.write(ckpt, file, shapes, Map.of());
        SemFormerImport.Imported r = SemFormerImport.run(ckpt, SemFormerImport.KIND_CAAE, tmp.resolve("run"), classes);
        assertEquals("cpu-demo", r.model());
        assertEquals(128, r.crop());
        SemFormerRun run = SemFormerRun.readCaae(tmp.resolve("run"), classes.names());
        try (NDManager m = NDManager.newBaseManager()) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 0, false);
            new ClassAwareAutoEncoder(p, run.caaeConfig());
            Checkpoint.load(tmp.resolve("run").resolve(Checkpoint.FILE), p, null);
            Map<String, float[]> back = p.snapshot();
            for (String k : ours.keySet()) {
                assertArrayEquals(ours.get(k), back.get(k), 0f, k);
            }
        }
    }

    @Test
    void wrongStageAndOtherShapesAreOneLine() {
        Path caae = SemFormerFixture.DIR.resolve("caae_tiny.pth");
        ClassList four = ClassList.of(List.of("background", "a", "b", "c"));
        WeaktrException e = assertThrows(WeaktrException.class,
                () -> SemFormerImport.run(caae, SemFormerImport.KIND_SEG, tmp.resolve("x"), four));
        assertTrue(e.getMessage().contains("--kind semformer-caae"), e.getMessage());
        e = assertThrows(WeaktrException.class, () -> SemFormerImport.run(caae, SemFormerImport.KIND_CAAE, tmp.resolve("y"), null));
        assertTrue(e.getMessage().contains("4 classes") && e.getMessage().contains("--classes"), e.getMessage());
        e = assertThrows(WeaktrException.class, () -> SemFormerImport.run(caae, SemFormerImport.KIND_CAAE, tmp.resolve("z"), four));
        assertTrue(e.getMessage().contains("has shape"), e.getMessage());
        Path seg = SemFormerFixture.DIR.resolve("semformer_tiny.pth");
        e = assertThrows(WeaktrException.class,
                () -> SemFormerImport.run(seg, SemFormerImport.KIND_CAAE, tmp.resolve("w"), four));
        assertTrue(e.getMessage().contains("--kind semformer"), e.getMessage());
    }
}
