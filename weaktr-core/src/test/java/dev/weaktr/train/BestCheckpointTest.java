package dev.weaktr.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.weaktr.WeaktrException;
import dev.weaktr.io.SafeTensors;
import dev.weaktr.nn.Parameters;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BestCheckpointTest {
    @TempDir
    Path run;

    @Test
    void keepsTheHighestScoreAndResumeContinuesFromIt() {
        try (NDManager m = NDManager.newBaseManager(); Parameters p = new Parameters(m, DataType.FLOAT32, 0)) {
            p.constant("w", 1f, 2);
            BestCheckpoint b = BestCheckpoint.forRun(run, false);
            assertTrue(b.offer(p, 1, "val_miou", 10, Map.of()));
            p.get("w").muli(2); // epoch 2's weights: 2, 2
            assertTrue(b.offer(p, 2, "val_miou", 30, Map.of()));
            p.get("w").muli(2);
            assertFalse(b.offer(p, 3, "val_miou", 20, Map.of()), "worse: not saved");
            assertFalse(b.offer(p, 3, "val_miou", 30, Map.of()), "a tie keeps the earlier epoch");
            SafeTensors.Content c = SafeTensors.read(run.resolve(BestCheckpoint.FILE));
            assertEquals(2f, c.tensors().get("w")[0]);
            assertEquals("2", c.metadata().get("epoch"));
            // --resume: the best so far is the one to beat
            BestCheckpoint resumed = BestCheckpoint.forRun(run, true);
            assertEquals(30, resumed.best());
            assertEquals(2, resumed.bestEpoch());
            assertFalse(resumed.offer(p, 4, "val_miou", 25, Map.of()));
            assertTrue(resumed.offer(p, 5, "val_miou", 31, Map.of()));
            assertEquals("5", SafeTensors.read(run.resolve(BestCheckpoint.FILE)).metadata().get("epoch"));
        }
        assertEquals(run.resolve(BestCheckpoint.FILE), BestCheckpoint.choose(run, null));
        assertEquals(run.resolve(Checkpoint.FILE), BestCheckpoint.choose(run, "last"));
        assertThrows(WeaktrException.class, () -> BestCheckpoint.choose(run.resolve("x"), "best"));
        assertEquals(run.resolve("x").resolve(Checkpoint.FILE), BestCheckpoint.choose(run.resolve("x"), null));
    }
}
