package dev.weaktr.data;

import dev.weaktr.io.LabelPng.LabelMap;
import dev.weaktr.io.RgbImage;

/**
 * Image resizing that reproduces Pillow's {@code Image.resize} bit for bit on 8-bit images (the
 * official code resizes with PIL; source: Pillow {@code libImaging/Resample.c} and {@code Geometry.c}).
 *
 * <p>BICUBIC and BILINEAR are separable convolutions: a horizontal pass, then a vertical pass, each
 * skipped when that side keeps its size, each rounded and clamped to uint8. For output pixel
 * {@code xx} of a side scaled by {@code scale = in/out}: {@code fs = max(scale, 1)},
 * {@code support = filterSupport * fs} (the kernel widens when shrinking = antialiasing),
 * {@code center = (xx + 0.5) * scale}, taps {@code x in [int(center - support + 0.5), int(center + support + 0.5))}
 * clipped to the image, weight {@code filter((x - center + 0.5) / fs)}, normalised to sum 1 and
 * converted to fixed point with 22 fractional bits; the sum starts at {@code 2^21} (rounding) and
 * is shifted back and clamped. Cubic kernel with a = -0.5 (PyTorch uses -0.75):
 * {@code |x|<1: (a+2)|x|^3 - (a+3)|x|^2 + 1; 1<=|x|<2: a(|x|^3 - 5|x|^2 + 8|x| - 4)}. Triangle for bilinear.
 *
 * <p>NEAREST takes source pixel {@code floor((x + 0.5) * in/out)}, with the position accumulated in
 * double exactly as Pillow's {@code ImagingScaleAffine} does.
 */
public final class PilResize {
    /** Pillow's resampling filters. */
    public enum Filter {
        NEAREST(0), BILINEAR(1), BICUBIC(2);

        final double support;

        Filter(double support) {
            this.support = support;
        }

        double weight(double x) {
            double ax = Math.abs(x);
            return switch (this) {
                case BILINEAR -> ax < 1 ? 1 - ax : 0;
                case BICUBIC -> cubic(ax);
                case NEAREST -> throw new IllegalStateException("nearest has no kernel");
            };
        }

        private static double cubic(double x) {
            final double a = -0.5;
            if (x < 1) {
                return ((a + 2) * x - (a + 3)) * x * x + 1;
            }
            if (x < 2) {
                return (((x - 5) * x + 8) * x - 4) * a;
            }
            return 0;
        }
    }

    private static final int PRECISION_BITS = 32 - 8 - 2;

    private PilResize() {}

    public static RgbImage bicubic(RgbImage img, int width, int height) {
        return resize(img, width, height, Filter.BICUBIC);
    }

    public static RgbImage bilinear(RgbImage img, int width, int height) {
        return resize(img, width, height, Filter.BILINEAR);
    }

    public static RgbImage nearest(RgbImage img, int width, int height) {
        return resize(img, width, height, Filter.NEAREST);
    }

    /** Label maps are only ever resized with NEAREST, so that no new class index appears. */
    public static LabelMap nearest(LabelMap map, int width, int height) {
        byte[] out = resize(map.labels(), map.width(), map.height(), 1, width, height, Filter.NEAREST);
        return new LabelMap(out, width, height);
    }

    public static RgbImage resize(RgbImage img, int width, int height, Filter filter) {
        return new RgbImage(width, height, resize(img.rgb(), img.width(), img.height(), 3, width, height, filter));
    }

    /**
     * Resizes interleaved 8-bit pixels {@code [H, W, channels]} row-major to {@code [height, width, channels]}.
     * Returns a new array (a copy when the size does not change).
     */
    public static byte[] resize(byte[] src, int w, int h, int channels, int width, int height, Filter filter) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("target size must be positive, got " + width + "x" + height);
        }
        if (width == w && height == h) {
            return src.clone();
        }
        if (filter == Filter.NEAREST) {
            return nearest(src, w, h, channels, width, height);
        }
        byte[] out = src;
        int curW = w;
        if (width != w) {
            out = horizontal(out, w, h, channels, width, Coefficients.of(w, width, filter));
            curW = width;
        }
        if (height != h) {
            out = vertical(out, curW, h, channels, height, Coefficients.of(h, height, filter));
        }
        return out;
    }

    /** Taps of one side: output i reads {@code count[i]} inputs from {@code start[i]} with weights {@code k[i*ksize..]}. */
    private record Coefficients(int[] start, int[] count, int[] k, int ksize) {
        static Coefficients of(int inSize, int outSize, Filter filter) {
            double scale = (double) inSize / outSize;
            double fs = Math.max(scale, 1.0);
            double support = filter.support * fs;
            int ksize = (int) Math.ceil(support) * 2 + 1;
            int[] start = new int[outSize];
            int[] count = new int[outSize];
            int[] k = new int[outSize * ksize];
            double[] w = new double[ksize];
            for (int xx = 0; xx < outSize; xx++) {
                double center = (xx + 0.5) * scale;
                int xmin = Math.max((int) (center - support + 0.5), 0);
                int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
                double sum = 0;
                for (int x = 0; x < xmax; x++) {
                    w[x] = filter.weight((x + xmin - center + 0.5) / fs);
                    sum += w[x];
                }
                for (int x = 0; x < xmax; x++) {
                    double v = sum != 0 ? w[x] / sum : w[x];
                    k[xx * ksize + x] = (int) (v < 0 ? -0.5 + v * (1 << PRECISION_BITS) : 0.5 + v * (1 << PRECISION_BITS));
                }
                start[xx] = xmin;
                count[xx] = xmax;
            }
            return new Coefficients(start, count, k, ksize);
        }
    }

    private static int clip8(int v) {
        if (v >= (1 << PRECISION_BITS << 8)) {
            return 255;
        }
        return v <= 0 ? 0 : v >> PRECISION_BITS;
    }

    private static byte[] horizontal(byte[] src, int w, int h, int ch, int outW, Coefficients c) {
        byte[] out = new byte[outW * h * ch];
        for (int y = 0; y < h; y++) {
            int rowIn = y * w * ch, rowOut = y * outW * ch;
            for (int xx = 0; xx < outW; xx++) {
                int kOff = xx * c.ksize, x0 = c.start[xx], n = c.count[xx];
                for (int b = 0; b < ch; b++) {
                    int ss = 1 << (PRECISION_BITS - 1);
                    for (int x = 0; x < n; x++) {
                        ss += (src[rowIn + (x0 + x) * ch + b] & 0xff) * c.k[kOff + x];
                    }
                    out[rowOut + xx * ch + b] = (byte) clip8(ss);
                }
            }
        }
        return out;
    }

    private static byte[] vertical(byte[] src, int w, int h, int ch, int outH, Coefficients c) {
        int stride = w * ch;
        byte[] out = new byte[outH * stride];
        for (int yy = 0; yy < outH; yy++) {
            int kOff = yy * c.ksize, y0 = c.start[yy], n = c.count[yy];
            for (int i = 0; i < stride; i++) {
                int ss = 1 << (PRECISION_BITS - 1);
                for (int y = 0; y < n; y++) {
                    ss += (src[(y0 + y) * stride + i] & 0xff) * c.k[kOff + y];
                }
                out[yy * stride + i] = (byte) clip8(ss);
            }
        }
        return out;
    }

    /** Pillow's ImagingScaleAffine: positions accumulated in double, truncated (Geometry.c). */
    private static byte[] nearest(byte[] src, int w, int h, int ch, int width, int height) {
        int[] xs = nearestIndex(w, width);
        int[] ys = nearestIndex(h, height);
        byte[] out = new byte[width * height * ch];
        for (int y = 0; y < height; y++) {
            int rowIn = ys[y] * w * ch, rowOut = y * width * ch;
            for (int x = 0; x < width; x++) {
                System.arraycopy(src, rowIn + xs[x] * ch, out, rowOut + x * ch, ch);
            }
        }
        return out;
    }

    private static int[] nearestIndex(int in, int out) {
        double step = (double) (float) in / out; // Pillow keeps the box in float, then divides in double
        double pos = step * 0.5;
        int[] idx = new int[out];
        for (int i = 0; i < out; i++) {
            idx[i] = Math.min(Math.max((int) pos, 0), in - 1);
            pos += step;
        }
        return idx;
    }
}
