package dev.weaktr.data.coco;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weaktr.WeaktrException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassIndexTest {
    private static final List<CocoCategory> CATS =
            List.of(new CocoCategory(18, "dog"), new CocoCategory(1, "person"), new CocoCategory(3, "car"));

    @Test
    void contiguousRemapRanksTheIdsAscending() {
        ClassIndex idx = ClassIndex.of(CATS, false, "f.json");
        assertEquals(List.of("background", "person", "car", "dog"), idx.names());
        assertEquals(1, idx.indexOf(1));
        assertEquals(2, idx.indexOf(3));
        assertEquals(3, idx.indexOf(18));
        assertEquals(-1, idx.indexOf(2));
        assertEquals(-1, idx.indexOf(19));
        assertEquals(-1, idx.indexOf(0));
    }

    @Test
    void rawIdsKeepTheIdsWithPlaceholders() {
        ClassIndex idx = ClassIndex.of(CATS, true, "f.json");
        assertEquals(19, idx.names().size());
        assertEquals("background", idx.names().get(0));
        assertEquals("person", idx.names().get(1));
        assertEquals("unused_2", idx.names().get(2));
        assertEquals("car", idx.names().get(3));
        assertEquals("unused_17", idx.names().get(17));
        assertEquals("dog", idx.names().get(18));
        assertEquals(18, idx.indexOf(18));
        assertEquals(3, idx.indexOf(3));
        assertEquals(-1, idx.indexOf(2));
    }

    @Test
    void duplicateAndOversizedIdsAreUserErrors() {
        WeaktrException dup = assertThrows(WeaktrException.class, () -> ClassIndex.of(
                List.of(new CocoCategory(4, "a"), new CocoCategory(4, "b")), false, "f.json"));
        assertTrue(dup.getMessage().contains("f.json") && dup.getMessage().contains("4"), dup.getMessage());
        assertThrows(WeaktrException.class, () -> ClassIndex.of(List.of(new CocoCategory(300, "a")), true, "f.json"));
        assertEquals(1, ClassIndex.of(List.of(new CocoCategory(300, "a")), false, "f.json").indexOf(300));
        assertThrows(WeaktrException.class, () -> ClassIndex.of(List.of(), false, "f.json"));
    }
}
