package dev.weaktr.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Test JPEGs with a hand-built EXIF APP1 segment carrying an orientation tag. */
public final class ExifJpegs {
    private ExifJpegs() {}

    /** JPEG bytes of {@code image} (quality default), without EXIF. */
    public static byte[] jpeg(RgbImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(ImageFiles.toBufferedImage(image), "jpg", out)) {
                throw new IllegalStateException("no JPEG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** JPEG bytes of {@code image} with an APP1 Exif segment (IFD0: one dummy tag, then Orientation). */
    public static byte[] withOrientation(RgbImage image, int orientation, boolean littleEndian) {
        byte[] plain = jpeg(image);
        byte[] app1 = app1(orientation, littleEndian);
        byte[] out = new byte[plain.length + app1.length];
        out[0] = plain[0];
        out[1] = plain[1];
        System.arraycopy(app1, 0, out, 2, app1.length);
        System.arraycopy(plain, 2, out, 2 + app1.length, plain.length - 2);
        return out;
    }

    static byte[] app1(int orientation, boolean le) {
        ByteArrayOutputStream tiff = new ByteArrayOutputStream();
        tiff.writeBytes(le ? new byte[] {'I', 'I'} : new byte[] {'M', 'M'});
        put16(tiff, 42, le);
        put32(tiff, 8, le);
        put16(tiff, 2, le); // two entries
        put16(tiff, 0x010F, le); // Make, ASCII, count 4, inline "abc\0"
        put16(tiff, 2, le);
        put32(tiff, 4, le);
        tiff.writeBytes(new byte[] {'a', 'b', 'c', 0});
        put16(tiff, 0x0112, le); // Orientation, SHORT, count 1
        put16(tiff, 3, le);
        put32(tiff, 1, le);
        put16(tiff, orientation, le);
        put16(tiff, 0, le);
        put32(tiff, 0, le); // no next IFD
        byte[] t = tiff.toByteArray();
        int length = 2 + 6 + t.length;
        ByteArrayOutputStream seg = new ByteArrayOutputStream();
        seg.write(0xFF);
        seg.write(0xE1);
        seg.write(length >> 8);
        seg.write(length & 0xFF);
        seg.writeBytes(new byte[] {'E', 'x', 'i', 'f', 0, 0});
        seg.writeBytes(t);
        return seg.toByteArray();
    }

    private static void put16(ByteArrayOutputStream o, int v, boolean le) {
        if (le) {
            o.write(v & 0xFF);
            o.write(v >> 8 & 0xFF);
        } else {
            o.write(v >> 8 & 0xFF);
            o.write(v & 0xFF);
        }
    }

    private static void put32(ByteArrayOutputStream o, long v, boolean le) {
        if (le) {
            put16(o, (int) (v & 0xFFFF), true);
            put16(o, (int) (v >> 16 & 0xFFFF), true);
        } else {
            put16(o, (int) (v >> 16 & 0xFFFF), false);
            put16(o, (int) (v & 0xFFFF), false);
        }
    }

    /**
     * A 48x32 test picture: white, with a red 16x16 block at the top-left corner and a green 16x16 block
     * at the top-right corner (JPEG-safe: 8-aligned flat blocks).
     */
    public static RgbImage markers() {
        int w = 48, h = 32;
        byte[] rgb = new byte[w * h * 3];
        java.util.Arrays.fill(rgb, (byte) 255);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                set(rgb, w, x, y, 255, 0, 0);
                set(rgb, w, w - 16 + x, y, 0, 255, 0);
            }
        }
        return new RgbImage(w, h, rgb);
    }

    private static void set(byte[] rgb, int w, int x, int y, int r, int g, int b) {
        int i = 3 * (y * w + x);
        rgb[i] = (byte) r;
        rgb[i + 1] = (byte) g;
        rgb[i + 2] = (byte) b;
    }
}
