package dev.weaktr.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weaktr.WeaktrException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassListTest {
    @TempDir
    Path dir;

    @Test
    void vocDefault() {
        ClassList voc = ClassList.voc();
        assertEquals(21, voc.size());
        assertEquals(20, voc.numForeground());
        assertEquals("background", voc.name(0));
        assertEquals("aeroplane", voc.name(1));
        assertEquals("person", voc.name(15));
        assertEquals("tvmonitor", voc.name(20));
    }

    @Test
    void readsFileSkippingBlankLinesAndRoundTrips() throws Exception {
        Path f = dir.resolve("classes.txt");
        Files.writeString(f, "bg\n  cat \n\ndog\n\n");
        ClassList c = ClassList.read(f);
        assertEquals(List.of("bg", "cat", "dog"), c.names());
        assertEquals(2, c.numForeground());
        Path g = dir.resolve("again.txt");
        c.write(g);
        assertEquals(c, ClassList.read(g));
    }

    @Test
    void rejectsFewerThanTwoAndDuplicates() throws Exception {
        Path f = dir.resolve("classes.txt");
        Files.writeString(f, "background\n");
        WeaktrException e = assertThrows(WeaktrException.class, () -> ClassList.read(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("at least 2"), e.getMessage());
        Files.writeString(f, "bg\ncat\ncat\n");
        e = assertThrows(WeaktrException.class, () -> ClassList.read(f));
        assertTrue(e.getMessage().contains("'cat' twice"), e.getMessage());
    }
}
