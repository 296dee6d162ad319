package dev.weaktr.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weaktr.io.RgbImage;
import org.junit.jupiter.api.Test;

class NormalizeTest {
    /** 2x1 image: pixel 0 = (255, 0, 128), pixel 1 = (0, 255, 64); output planes R, G, B. */
    @Test
    void chwLayoutAndImageNetStatistics() {
        RgbImage img = new RgbImage(2, 1, new byte[] {(byte) 255, 0, (byte) 128, 0, (byte) 255, 64});
        float[] out = Normalize.toChw(img);
        assertEquals(6, out.length);
        assertEquals((1 - 0.485) / 0.229, out[0], 1e-5); // R, x=0: 2.2489
        assertEquals((0 - 0.485) / 0.229, out[1], 1e-5); // R, x=1: -2.1179
        assertEquals((0 - 0.456) / 0.224, out[2], 1e-5); // G, x=0: -2.0357
        assertEquals((1 - 0.456) / 0.224, out[3], 1e-5); // G, x=1: 2.4286
        assertEquals((128 / 255.0 - 0.406) / 0.225, out[4], 1e-5); // B, x=0: 0.4265
        assertEquals((64 / 255.0 - 0.406) / 0.225, out[5], 1e-5); // B, x=1: -0.6890
    }

    @Test
    void writesIntoABatchSlot() {
        RgbImage img = new RgbImage(1, 1, new byte[] {10, 20, 30});
        float[] batch = new float[9];
        Normalize.toChw(img, batch, 3);
        assertEquals(0f, batch[2]);
        assertEquals((10 / 255f - 0.485f) / 0.229f, batch[3], 1e-6);
        assertEquals((30 / 255f - 0.406f) / 0.225f, batch[5], 1e-6);
        assertEquals(0f, batch[6]);
    }
}
