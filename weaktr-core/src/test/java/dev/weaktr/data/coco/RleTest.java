package dev.weaktr.data.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RleTest {

    @Test
    void countsAreColumnMajor() {
        // h=2, w=3; counts 1,2,3 → ones at column-major positions 1 and 2 = (x0,y1) and (x1,y0)
        Rle rle = new Rle(2, 3, new int[] {1, 2, 3});
        assertArrayEquals(new byte[] {0, 1, 1, 0, 0, 0}, rle.decodeColumnMajor());
        assertEquals(2, rle.area());
        assertEquals(6, rle.countSum());
        byte[] canvas = new byte[6];
        rle.paintFirstWriterWins(canvas, (byte) 7);
        // row-major: (x1,y0) → 1, (x0,y1) → 3
        assertArrayEquals(new byte[] {0, 7, 0, 7, 0, 0}, canvas);
    }

    @Test
    void paintingKeepsPixelsAlreadyPainted() {
        byte[] canvas = {0, 5, 0, 0, 0, 0};
        // all ones after an empty first run
        new Rle(2, 3, new int[] {0, 6}).paintFirstWriterWins(canvas, (byte) 9);
        assertArrayEquals(new byte[] {9, 5, 9, 9, 9, 9}, canvas);
    }

    @Test
    void runsCrossColumnBoundaries() {
        // h=3, w=2: one run of 4 ones from position 1: (0,1),(0,2),(1,0),(1,1)
        byte[] canvas = new byte[6];
        new Rle(3, 2, new int[] {1, 4, 1}).paintFirstWriterWins(canvas, (byte) 1);
        assertArrayEquals(new byte[] {0, 1, 1, 1, 1, 0}, canvas);
    }
}
