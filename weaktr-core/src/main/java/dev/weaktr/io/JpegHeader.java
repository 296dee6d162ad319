package dev.weaktr.io;

/**
 * What weaktr needs from a JPEG's marker segments, parsed without decoding: the EXIF orientation
 * (APP1 "Exif", IFD0 tag 0x0112), the frame's sample precision and component count (SOFn), and whether
 * the file ends before its end-of-image marker. Malformed EXIF data is ignored (orientation 1):
 * it never makes an image unreadable.
 *
 * @param orientation EXIF orientation 1..8 (1 = as stored, also when absent or invalid)
 * @param components colour components of the frame: 1 grey, 3 YCbCr/RGB, 4 CMYK/YCCK; 0 when no frame header
 * @param precision bits per sample (8 or 12); 0 when no frame header
 * @param truncated true when no end-of-image marker (FFD9) follows the first scan
 * @param adobeTransform the Adobe APP14 colour transform (0 = none/CMYK, 1 = YCbCr, 2 = YCCK), -1 when absent
 */
public record JpegHeader(int orientation, int components, int precision, boolean truncated, int adobeTransform) {
    private static final int TAG_ORIENTATION = 0x0112;
    private static final int TYPE_SHORT = 3;

    /** True when {@code bytes} starts with the JPEG start-of-image marker. */
    public static boolean isJpeg(byte[] bytes) {
        return bytes.length >= 3 && u8(bytes, 0) == 0xFF && u8(bytes, 1) == 0xD8 && u8(bytes, 2) == 0xFF;
    }

    /** Parses the marker segments of a JPEG file's bytes (the caller checked {@link #isJpeg}). */
    public static JpegHeader parse(byte[] b) {
        int orientation = 1, components = 0, precision = 0, adobe = -1;
        int pos = 2;
        while (pos + 4 <= b.length) {
            if (u8(b, pos) != 0xFF) {
                return new JpegHeader(orientation, components, precision, true, adobe); // lost sync: damaged
            }
            int marker = u8(b, pos + 1);
            if (marker == 0xFF) { // fill byte
                pos++;
                continue;
            }
            if (marker == 0xD9) {
                return new JpegHeader(orientation, components, precision, false, adobe); // EOI before any scan
            }
            int length = u16(b, pos + 2, false);
            int body = pos + 4, end = pos + 2 + length;
            if (length < 2 || end > b.length) {
                return new JpegHeader(orientation, components, precision, true, adobe);
            }
            if (marker == 0xE1 && orientation == 1) {
                orientation = exifOrientation(b, body, end);
            } else if (marker == 0xEE && length >= 14 && startsWith(b, body, "Adobe")) {
                adobe = u8(b, body + 11);
            } else if (isFrameHeader(marker) && length >= 8) {
                precision = u8(b, body);
                components = u8(b, body + 5);
            } else if (marker == 0xDA) {
                return new JpegHeader(orientation, components, precision, !hasEndMarker(b, end), adobe);
            }
            pos = end;
        }
        return new JpegHeader(orientation, components, precision, true, adobe);
    }

    /** SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
    private static boolean isFrameHeader(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    /** Entropy-coded data never holds FF D9 (FF is stuffed as FF 00), so its presence marks the end. */
    private static boolean hasEndMarker(byte[] b, int from) {
        for (int i = b.length - 2; i >= from; i--) {
            if (u8(b, i) == 0xFF && u8(b, i + 1) == 0xD9) {
                return true;
            }
        }
        return false;
    }

    /** Orientation from an APP1 segment body [from, end); 1 when it is not EXIF or is malformed. */
    static int exifOrientation(byte[] b, int from, int end) {
        if (end - from < 14 || !startsWith(b, from, "Exif\0\0")) {
            return 1;
        }
        int tiff = from + 6;
        boolean little;
        if (u8(b, tiff) == 'I' && u8(b, tiff + 1) == 'I') {
            little = true;
        } else if (u8(b, tiff) == 'M' && u8(b, tiff + 1) == 'M') {
            little = false;
        } else {
            return 1;
        }
        if (u16(b, tiff + 2, little) != 42) {
            return 1;
        }
        long ifd = tiff + u32(b, tiff + 4, little);
        if (ifd + 2 > end) {
            return 1;
        }
        int entries = u16(b, (int) ifd, little);
        for (int i = 0; i < entries; i++) {
            int e = (int) ifd + 2 + 12 * i;
            if (e + 12 > end) {
                return 1;
            }
            if (u16(b, e, little) == TAG_ORIENTATION) {
                int value = u16(b, e + 8, little);
                boolean valid = u16(b, e + 2, little) == TYPE_SHORT && u32(b, e + 4, little) == 1;
                return valid && value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 1;
    }

    private static boolean startsWith(byte[] b, int at, String ascii) {
        if (at + ascii.length() > b.length) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (b[at + i] != (byte) ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    private static int u16(byte[] b, int i, boolean little) {
        return little ? u8(b, i) | u8(b, i + 1) << 8 : u8(b, i) << 8 | u8(b, i + 1);
    }

    private static long u32(byte[] b, int i, boolean little) {
        long v = little ? u16(b, i, true) | (long) u16(b, i + 2, true) << 16 : (long) u16(b, i, false) << 16 | u16(b, i + 2, false);
        return v & 0xFFFFFFFFL;
    }
}
