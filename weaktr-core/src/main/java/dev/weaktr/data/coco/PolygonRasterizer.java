package dev.weaktr.data.coco;

import java.util.Arrays;

/**
 * Polygon to RLE exactly as pycocotools' {@code rleFrPoly} (common/maskApi.c): vertices are
 * upsampled ×5 and rounded, every edge is walked densely (one point per step of the longer axis),
 * the points where the upsampled x crosses a pixel centre become y-boundaries of their column, and
 * the sorted boundaries are turned into column-major run lengths.
 *
 * <p>The rasteriser only depends on the rounded upsampled vertices, so annotations are stored in
 * that form ({@link #upsample}): 4 bytes per coordinate and bit-exact with pycocotools' doubles.
 */
public final class PolygonRasterizer {
    /** The upsampling factor of {@code rleFrPoly}. */
    public static final double SCALE = 5;

    private PolygonRasterizer() {}

    /** One coordinate rounded as {@code (int)(scale * v + .5)} (C truncation toward zero). */
    public static int upsample(double v) {
        return (int) (SCALE * v + .5);
    }

    /** Upsamples a polygon {@code [x0, y0, x1, y1, ...]} in pixel coordinates. */
    public static int[] upsample(double[] xy) {
        int[] out = new int[xy.length];
        for (int i = 0; i < xy.length; i++) {
            out[i] = upsample(xy[i]);
        }
        return out;
    }

    /** Rasterises a polygon given in pixel coordinates {@code [x0, y0, x1, y1, ...]}. */
    public static Rle rasterize(double[] xy, int height, int width) {
        return rasterizeUpsampled(upsample(xy), height, width);
    }

    /**
     * Rasterises a polygon whose vertices are already upsampled ({@link #upsample}); {@code k =
     * xy.length / 2} vertices, the polygon is closed implicitly.
     */
    public static Rle rasterizeUpsampled(int[] xy, int height, int width) {
        int k = xy.length / 2;
        int[] x = new int[k + 1];
        int[] y = new int[k + 1];
        for (int j = 0; j < k; j++) {
            x[j] = xy[2 * j];
            y[j] = xy[2 * j + 1];
        }
        x[k] = x[0];
        y[k] = y[0];
        int[][] uv = walkEdges(x, y, k);
        int[] boundaries = columnBoundaries(uv[0], uv[1], height, width);
        return new Rle(height, width, runLengths(boundaries, height, width));
    }

    /** Dense boundary points (u, v) in the upsampled grid, edge by edge. */
    private static int[][] walkEdges(int[] x, int[] y, int k) {
        int m = 0;
        for (int j = 0; j < k; j++) {
            m += Math.max(Math.abs(x[j] - x[j + 1]), Math.abs(y[j] - y[j + 1])) + 1;
        }
        int[] u = new int[m];
        int[] v = new int[m];
        m = 0;
        for (int j = 0; j < k; j++) {
            int xs = x[j], xe = x[j + 1], ys = y[j], ye = y[j + 1];
            int dx = Math.abs(xe - xs), dy = Math.abs(ys - ye);
            boolean flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
            if (flip) {
                int t = xs;
                xs = xe;
                xe = t;
                t = ys;
                ys = ye;
                ye = t;
            }
            if (dx >= dy) {
                // dx == dy == 0 (a repeated vertex): C computes 0/0 here; the single point's v is never read
                double s = dx == 0 ? 0 : (double) (ye - ys) / dx;
                for (int d = 0; d <= dx; d++) {
                    int t = flip ? dx - d : d;
                    u[m] = t + xs;
                    v[m] = (int) (ys + s * t + .5);
                    m++;
                }
            } else {
                double s = (double) (xe - xs) / dy;
                for (int d = 0; d <= dy; d++) {
                    int t = flip ? dy - d : d;
                    v[m] = t + ys;
                    u[m] = (int) (xs + s * t + .5);
                    m++;
                }
            }
        }
        return new int[][] {u, v};
    }

    /**
     * Where u crosses a column centre, the column index and the (ceiled) y of the crossing, as the
     * column-major position {@code x * h + y}; the last entry is {@code h * w}.
     */
    private static int[] columnBoundaries(int[] u, int[] v, int h, int w) {
        long[] a = new long[u.length + 1];
        int m = 0;
        for (int j = 1; j < u.length; j++) {
            if (u[j] == u[j - 1]) {
                continue;
            }
            double xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
            xd = (xd + .5) / SCALE - .5;
            if (Math.floor(xd) != xd || xd < 0 || xd > w - 1) {
                continue;
            }
            double yd = v[j] < v[j - 1] ? v[j] : v[j - 1];
            yd = (yd + .5) / SCALE - .5;
            if (yd < 0) {
                yd = 0;
            } else if (yd > h) {
                yd = h;
            }
            yd = Math.ceil(yd);
            a[m++] = (long) (int) xd * h + (int) yd;
        }
        a[m++] = (long) h * w;
        Arrays.sort(a, 0, m);
        int[] out = new int[m];
        for (int j = 0; j < m; j++) {
            out[j] = (int) a[j];
        }
        return out;
    }

    /** Differences of the sorted boundaries; a zero run merges its neighbours (as rleFrPoly does). */
    private static int[] runLengths(int[] a, int h, int w) {
        int k = a.length;
        int p = 0;
        for (int j = 0; j < k; j++) {
            int t = a[j];
            a[j] -= p;
            p = t;
        }
        int[] b = new int[k];
        int j = 0, m = 0;
        b[m++] = a[j++];
        while (j < k) {
            if (a[j] > 0) {
                b[m++] = a[j++];
            } else {
                j++;
                if (j < k) {
                    b[m - 1] += a[j++];
                }
            }
        }
        return Arrays.copyOf(b, m);
    }
}
