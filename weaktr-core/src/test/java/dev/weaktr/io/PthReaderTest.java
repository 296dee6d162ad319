package dev.weaktr.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weaktr.WeaktrException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading PyTorch zip checkpoints written by real PyTorch (tools/fixtures/make_weights_fixtures.py), and refusals. */
class PthReaderTest {
    static final Path FIXTURES = Path.of("src/test/resources/weights");

    @TempDir
    Path tmp;

    @Test
    void pthEqualsSafetensorsIncludingStridedAndOffsetViews() {
        WeightFile pth = WeightFile.read(FIXTURES.resolve("cam_tiny.pth"));
        WeightFile st = WeightFile.read(FIXTURES.resolve("cam_tiny.safetensors"));
        assertEquals("pytorch", pth.format());
        assertEquals("safetensors", st.format());
        assertEquals(st.tensors().keySet(), pth.tensors().keySet());
        for (String k : st.tensors().keySet()) {
            assertArrayEquals(st.shape(k), pth.shape(k), k);
            assertArrayEquals(st.tensors().get(k), pth.tensors().get(k), 0f, k); // bit-exact
        }
        // the fixture stores qkv transposed (strides (1, rows)) and two biases at offsets of one shared storage
        assertArrayEquals(new long[] {48, 16}, pth.shape("blocks.0.attn.qkv.weight"));
        assertEquals("7", pth.metadata().get("epoch"));
        assertEquals("0.5", pth.metadata().get("miou")); // a numpy float64, decoded as data
    }

    @Test
    void readsHalfPrecisionDeitCheckpoint() {
        WeightFile deit = WeightFile.read(FIXTURES.resolve("deit_tiny.pth"));
        assertArrayEquals(new long[] {1, 1, 16}, deit.shape("cls_token"));
        assertArrayEquals(new long[] {1, 11, 16}, deit.shape("pos_embed"));
        assertArrayEquals(new long[] {5, 16}, deit.shape("head.weight"));
        for (float v : deit.tensors().get("pos_embed")) {
            assertEquals(v, (float) (double) v); // finite, decoded from float16
            assertTrue(Math.abs(v) < 10);
        }
    }

    @Test
    void refusesGlobalsThatAreNotData() throws IOException {
        // protocol 2: GLOBAL 'posix system', ('id',), REDUCE, STOP
        byte[] p2 = bytes("\u0080\u0002cposix\nsystem\nX\u0002\u0000\u0000\u0000id\u0085R.");
        WeaktrException e = assertThrows(WeaktrException.class, () -> WeightFile.read(zip("evil.pth", p2)));
        assertTrue(e.getMessage().contains("refusing to load 'posix.system'"), e.getMessage());
        assertTrue(e.getMessage().contains("only tensors, dicts, lists, numbers and strings"), e.getMessage());
        // protocol 4: SHORT_BINUNICODE 'os', 'system', STACK_GLOBAL
        byte[] p4 = bytes("\u0080\u0004\u008c\u0002os\u008c\u0006system\u0093X\u0002\u0000\u0000\u0000id\u0085R.");
        e = assertThrows(WeaktrException.class, () -> WeightFile.read(zip("evil4.pth", p4)));
        assertTrue(e.getMessage().contains("refusing to load 'os.system'"), e.getMessage());
        // a class instead of a function: refused by name as well
        byte[] cls = bytes("\u0080\u0002ctorch.nn.modules.linear\nLinear\n)R.");
        e = assertThrows(WeaktrException.class, () -> WeightFile.read(zip("module.pth", cls)));
        assertTrue(e.getMessage().contains("'torch.nn.modules.linear.Linear'"), e.getMessage());
        // INST opcode (old-style instance creation)
        byte[] inst = bytes("\u0080\u0002(iposix\nsystem\n.");
        assertThrows(WeaktrException.class, () -> WeightFile.read(zip("inst.pth", inst)));
    }

    @Test
    void truncatedWrongAndLegacyFilesFailClearly() throws IOException {
        byte[] full = Files.readAllBytes(FIXTURES.resolve("cam_tiny.pth"));
        Path cut = tmp.resolve("cut.pth");
        Files.write(cut, Arrays.copyOf(full, full.length / 2));
        WeaktrException e = assertThrows(WeaktrException.class, () -> WeightFile.read(cut));
        assertTrue(e.getMessage().contains("cut.pth") && e.getMessage().contains("truncated"), e.getMessage());

        byte[] st = Files.readAllBytes(FIXTURES.resolve("cam_tiny.safetensors"));
        Path cutSt = tmp.resolve("cut.safetensors");
        Files.write(cutSt, Arrays.copyOf(st, st.length - 100));
        e = assertThrows(WeaktrException.class, () -> WeightFile.read(cutSt));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());

        Path text = tmp.resolve("notes.pth");
        Files.writeString(text, "hello, not weights");
        e = assertThrows(WeaktrException.class, () -> WeightFile.read(text));
        assertTrue(e.getMessage().contains("is not a weights file"), e.getMessage());

        Path legacy = tmp.resolve("old.pth");
        Files.write(legacy, bytes("\u0080\u0002\u008a\nl\u00fc\u009cF\u00f9 j\u00a8P\u0019."));
        e = assertThrows(WeaktrException.class, () -> WeightFile.read(legacy));
        assertTrue(e.getMessage().contains("legacy"), e.getMessage());

        e = assertThrows(WeaktrException.class, () -> WeightFile.read(tmp.resolve("absent.pth")));
        assertTrue(e.getMessage().contains("absent.pth"), e.getMessage());
    }

    private static byte[] bytes(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A torch-style zip: archive/data.pkl holding {@code pickle}. */
    private Path zip(String name, byte[] pickle) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            z.putNextEntry(new ZipEntry("archive/data.pkl"));
            z.write(pickle);
            z.closeEntry();
        }
        Path file = tmp.resolve(name);
        Files.write(file, bytes.toByteArray());
        return file;
    }
}
