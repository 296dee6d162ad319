package dev.weaktr.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.weaktr.cam.AafConfig;
import dev.weaktr.cam.CamNetConfig;
import dev.weaktr.cam.WeakTrCamNet;
import dev.weaktr.data.Synth;
import dev.weaktr.data.SynthConfig;
import dev.weaktr.data.VocDataset;
import dev.weaktr.nn.Parameters;
import dev.weaktr.nn.VitConfig;
import dev.weaktr.train.Validation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A held split without masks is scored by classification mAP, and is not chosen as the default split. */
class CamValidationMapTest {
    @TempDir
    Path tmp;

    @Test
    void withoutMasksTheScoreIsClassificationMap() throws Exception {
        Path data = tmp.resolve("data");
        Synth.generate(SynthConfig.of(4, 3, 32, 1), data);
        for (String dir : new String[] {VocDataset.MASKS, VocDataset.MASKS_AUG}) {
            Path p = data.resolve(dir);
            if (Files.exists(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
        assertNull(CamValidation.defaultSplit(data, "train", 10), "val without masks is not the default");
        var classes = VocDataset.open(data, "train").classes();
        CamValidation v = new CamValidation(data, "val", 10, classes.names());
        assertFalse(v.usesMasks());
        try (NDManager m = NDManager.newBaseManager()) {
            WeakTrCamNet net = new WeakTrCamNet(new Parameters(m, DataType.FLOAT32, 0, false),
                    new CamNetConfig(new VitConfig("t", 8, 16, 1, 2, 2, 1e-6f, 0, 32), classes.numForeground(), "aaf", AafConfig.DEFAULT));
            Validation.Score s = v.score(net, m);
            assertEquals("val_map", s.metric());
            assertEquals(3, s.images());
            assertTrue(s.value() > 0 && s.value() <= 100, "mAP " + s.value());
        }
    }
}
