package dev.weaktr.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weaktr.cli.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code weaktr demo}'s backbone choice: builtin:cpu-demo by default, --from-scratch or --pretrained FILE, not both. */
class DemoOptionsTest {
    @TempDir
    Path tmp;

    @Test
    void fromScratchAndPretrainedExcludeEachOther() throws Exception {
        Object[] r = Cli.withOutput("demo", "--out", tmp.resolve("d").toString(), "--from-scratch", "--pretrained", "x.safetensors");
        assertEquals(2, r[0]);
        assertTrue(((String) r[2]).contains("--from-scratch or --pretrained"), (String) r[2]);
        assertTrue(!Files.exists(tmp.resolve("d")), "nothing written");
    }

    @Test
    void theDefaultBackboneIsShipped() {
        assertEquals("builtin:cpu-demo", Demo.BUILTIN_BACKBONE);
        assertTrue(Demo.class.getResource("/dev/weaktr/weights/builtin/cpu-demo.safetensors") != null, "shipped with weaktr");
    }
}
