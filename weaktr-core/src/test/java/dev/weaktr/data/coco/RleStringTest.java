package dev.weaktr.data.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Compressed RLE strings, encoded by hand from maskApi.c's rleToString rules. */
class RleStringTest {

    @Test
    void smallCountsAreOneCharacterEach() {
        // 3, 2, 4 < 16: one char each, '0' + value
        assertArrayEquals(new int[] {3, 2, 4}, RleString.decode("324"));
        assertEquals("324", RleString.encode(new int[] {3, 2, 4}));
    }

    @Test
    void fromTheFourthCountTheDeltaToTwoBackIsStored() {
        // counts 1,2,3,4: index 3 stores 4 - counts[1] = 2; index 2 is NOT delta-coded (i > 2)
        assertArrayEquals(new int[] {1, 2, 3, 4}, RleString.decode("1232"));
        assertEquals("1232", RleString.encode(new int[] {1, 2, 3, 4}));
    }

    @Test
    void negativeDeltaUsesTheSignBit() {
        // counts 0,5,10,1: index 3 stores 1 - 5 = -4 → low 5 bits 0b11100 = 28 (sign bit 0x10 set),
        // remaining x = -1 so no more chars: '0' + 28 = 'L'. 10 → ':' ('0' + 10).
        assertArrayEquals(new int[] {0, 5, 10, 1}, RleString.decode("05:L"));
        assertEquals("05:L", RleString.encode(new int[] {0, 5, 10, 1}));
    }

    @Test
    void largeCountsContinueWithThe0x20Bit() {
        // 100 = 0b11_00100: first char 4 | 0x20 = 36 → 'T', then 3 → '3'
        assertArrayEquals(new int[] {100}, RleString.decode("T3"));
        assertEquals("T3", RleString.encode(new int[] {100}));
        // 16 needs two chars although it fits 5 bits: 0x10 would read as a sign → 16|0x20=48 → '`', then '0'
        assertEquals("`0", RleString.encode(new int[] {16}));
        assertArrayEquals(new int[] {16}, RleString.decode("`0"));
    }

    @Test
    void roundTripsRandomCounts() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 200; trial++) {
            int[] counts = new int[1 + rnd.nextInt(30)];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = rnd.nextInt(trial % 2 == 0 ? 40 : 1_000_000);
            }
            assertArrayEquals(counts, RleString.decode(RleString.encode(counts)));
        }
    }

    @Test
    void rejectsCharactersOutsideTheAlphabetAndTruncatedCounts() {
        assertThrows(IllegalArgumentException.class, () -> RleString.decode("3 2"));
        assertThrows(IllegalArgumentException.class, () -> RleString.decode("T")); // 0x20: more follows
        // a negative decoded count: "L" alone = -4 at index 0
        assertThrows(IllegalArgumentException.class, () -> RleString.decode("L"));
    }
}
