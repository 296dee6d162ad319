package dev.weaktr.data;

import dev.weaktr.io.LabelPng.LabelMap;
import dev.weaktr.io.RgbImage;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws the generated pretraining corpus and its held-out transfer benchmark. The two draw from disjoint sets of
 * object shapes, textures and backgrounds ({@link Split}), so a backbone pretrained on the corpus is measured on
 * families it has never seen:
 * <ul>
 *   <li>corpus ({@link Split#PRETRAIN}): 14 shapes × 8 textures = 112 object families, any colours, 1–6 objects
 *       with occlusion, on 5 kinds of background;</li>
 *   <li>transfer benchmark ({@link Split#TRANSFER}): 5 classes, each a new shape with its own new texture
 *       ({@link #TRANSFER_CLASSES}), 1–3 per image, on 3 new kinds of background.</li>
 * </ul>
 * The demo's five classes ({@link SynthRenderer}) are in neither. One sample per pixel centre (no antialiasing); the
 * mask is the topmost object at each pixel (no 255 band); an object keeps at least 40 % of its area visible.
 * StrictMath only, so the output is the same on every JVM.
 */
public final class CorpusRenderer {
    /** Which half of the shape/texture/background sets to draw from. */
    public enum Split { PRETRAIN, TRANSFER }

    enum Shape {
        // corpus
        ELLIPSE, RECT, TRIANGLE, PENTAGON, HEXAGON, STAR5, STAR7, CROSS, CRESCENT, BLOB, ARROW, DIAMOND, SEMICIRCLE, TEARDROP,
        // transfer benchmark
        HEART, ANNULUS, ELL, HOURGLASS, TRAPEZOID
    }

    enum Texture {
        // corpus
        SOLID, STRIPES, CHECKER, DOTS, GRADIENT, NOISE, WAVES, GRID,
        // transfer benchmark
        CONCENTRIC, ZIGZAG, BRICK, SPIRAL, RINGDOTS
    }

    enum Background {
        // corpus
        SHADED, VALUE_NOISE, SOFT_STRIPES, CLUTTER, BLOTCHES,
        // transfer benchmark
        PLAID, WOODGRAIN, TILES
    }

    static final Shape[] PRETRAIN_SHAPES = java.util.Arrays.copyOfRange(Shape.values(), 0, 14);
    static final Texture[] PRETRAIN_TEXTURES = java.util.Arrays.copyOfRange(Texture.values(), 0, 8);
    static final Background[] PRETRAIN_BACKGROUNDS = java.util.Arrays.copyOfRange(Background.values(), 0, 5);
    static final Background[] TRANSFER_BACKGROUNDS = java.util.Arrays.copyOfRange(Background.values(), 5, 8);
    static final Shape[] TRANSFER_SHAPES = {Shape.HEART, Shape.ANNULUS, Shape.ELL, Shape.HOURGLASS, Shape.TRAPEZOID};
    static final Texture[] TRANSFER_TEXTURES = {Texture.CONCENTRIC, Texture.ZIGZAG, Texture.BRICK, Texture.SPIRAL,
        Texture.RINGDOTS};

    /** The transfer benchmark's foreground classes, in class-index order (1..5). */
    public static final List<String> TRANSFER_CLASSES =
            List.of("ringed-heart", "zigzag-ring", "brick-ell", "spiral-hourglass", "ringdot-trapezoid");

    private static final double MIN_VISIBLE = 0.4;

    /** A rendered image and its mask (class indices 1..5 for the transfer benchmark; 0 elsewhere, and 0 in the corpus). */
    public record Sample(RgbImage image, LabelMap mask) {}

    private static final class Obj {
        Shape shape;
        Texture texture;
        int label;
        int family; // corpus: 1 + shape · 8 + texture
        double cx, cy, r, cos, sin, aspect, p1, p2, period, texCos, texSin;
        float[] colA, colB;
    }

    private CorpusRenderer() {}

    /** The number of object families (shape × texture) of the corpus. */
    public static int corpusFamilies() {
        return PRETRAIN_SHAPES.length * PRETRAIN_TEXTURES.length;
    }

    /** One {@code size × size} image of {@code split}, every choice drawn from {@code rng}. */
    public static Sample render(Split split, int size, SplittableRandom rng) {
        return render(split, size, rng, false);
    }

    /**
     * The same image as {@link #render} with {@link Split#PRETRAIN} and the same {@code rng}, with a mask of each
     * pixel's object family, 1 + shape · 8 + texture (1..{@link #corpusFamilies()}; 0 = background): the labels the
     * renderer knows for free, for formula-driven supervised pretraining ({@code pretrain --objective fdsl}).
     */
    public static Sample renderFamilies(int size, SplittableRandom rng) {
        return render(Split.PRETRAIN, size, rng, true);
    }

    private static Sample render(Split split, int size, SplittableRandom rng, boolean families) {
        boolean transfer = split == Split.TRANSFER;
        int n = transfer ? rng.nextInt(1, 4) : rng.nextInt(1, 7);
        Obj[] objs = null;
        int[] owner = null;
        for (int attempt = 0; owner == null; attempt++) {
            if (attempt > 0 && attempt % 40 == 0 && n > 1) {
                n--;
            }
            objs = new Obj[n];
            for (int i = 0; i < n; i++) {
                objs[i] = place(split, size, rng);
            }
            owner = layout(objs, size);
        }
        float[] img = new float[size * size * 3];
        Background[] bgs = transfer ? TRANSFER_BACKGROUNDS : PRETRAIN_BACKGROUNDS;
        background(img, size, bgs[rng.nextInt(bgs.length)], rng);
        for (Obj o : objs) {
            paint(img, size, o, owner, objs);
        }
        for (int i = 0; i < img.length; i++) {
            img[i] += (float) (rng.nextGaussian() * 4);
        }
        byte[] rgb = new byte[img.length];
        for (int i = 0; i < img.length; i++) {
            rgb[i] = (byte) Math.max(0, Math.min(255, Math.round(img[i])));
        }
        byte[] mask = new byte[size * size];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = (byte) (owner[i] < 0 ? 0 : families ? objs[owner[i]].family : objs[owner[i]].label);
        }
        return new Sample(new RgbImage(size, size, rgb), new LabelMap(mask, size, size));
    }

    private static Obj place(Split split, int size, SplittableRandom rng) {
        Obj o = new Obj();
        if (split == Split.TRANSFER) {
            int k = rng.nextInt(TRANSFER_SHAPES.length);
            o.shape = TRANSFER_SHAPES[k];
            o.texture = TRANSFER_TEXTURES[k];
            o.label = k + 1;
            o.r = 0.5 * size * uniform(rng, 0.3, 0.6);
        } else {
            int shape = rng.nextInt(PRETRAIN_SHAPES.length), texture = rng.nextInt(PRETRAIN_TEXTURES.length);
            o.shape = PRETRAIN_SHAPES[shape];
            o.texture = PRETRAIN_TEXTURES[texture];
            o.family = 1 + shape * PRETRAIN_TEXTURES.length + texture;
            o.r = 0.5 * size * uniform(rng, 0.15, 0.65);
        }
        o.cx = uniform(rng, 0.6 * o.r, size - 0.6 * o.r);
        o.cy = uniform(rng, 0.6 * o.r, size - 0.6 * o.r);
        double a = uniform(rng, 0, 2 * Math.PI);
        o.cos = StrictMath.cos(a);
        o.sin = StrictMath.sin(a);
        o.aspect = uniform(rng, 0.55, 1.0);
        o.p1 = uniform(rng, 0, 2 * Math.PI);
        o.p2 = uniform(rng, 0, 2 * Math.PI);
        o.period = uniform(rng, 0.25, 0.5);
        double ta = uniform(rng, 0, Math.PI);
        o.texCos = StrictMath.cos(ta);
        o.texSin = StrictMath.sin(ta);
        o.colA = colour(rng);
        float[] b;
        do {
            b = colour(rng);
        } while (distance(o.colA, b) < 90);
        o.colB = b;
        return o;
    }

    private static float[] colour(SplittableRandom rng) {
        return new float[] {(float) uniform(rng, 10, 245), (float) uniform(rng, 10, 245), (float) uniform(rng, 10, 245)};
    }

    private static double distance(float[] a, float[] b) {
        double d = 0;
        for (int c = 0; c < 3; c++) {
            d += (a[c] - b[c]) * (a[c] - b[c]);
        }
        return Math.sqrt(d);
    }

    /** The topmost object at each pixel (−1 = none), or null when some object keeps under 40 % of its area. */
    private static int[] layout(Obj[] objs, int size) {
        int[] owner = new int[size * size];
        int[] area = new int[objs.length], visible = new int[objs.length];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int top = -1;
                for (int i = 0; i < objs.length; i++) {
                    if (inside(objs[i], x + 0.5, y + 0.5)) {
                        area[i]++;
                        top = i;
                    }
                }
                owner[y * size + x] = top;
                if (top >= 0) {
                    visible[top]++;
                }
            }
        }
        for (int i = 0; i < objs.length; i++) {
            if (area[i] < 12 || visible[i] < MIN_VISIBLE * area[i]) {
                return null;
            }
        }
        return owner;
    }

    /** Object-frame coordinates: (u, v) = R(−angle)·(p − c) / r. */
    private static boolean inside(Obj o, double px, double py) {
        double dx = (px - o.cx) / o.r, dy = (py - o.cy) / o.r;
        double u = o.cos * dx + o.sin * dy, v = -o.sin * dx + o.cos * dy;
        double rho = Math.sqrt(u * u + v * v), th = StrictMath.atan2(v, u);
        switch (o.shape) {
            case ELLIPSE: return u * u + (v / o.aspect) * (v / o.aspect) <= 1;
            case RECT: return Math.abs(u) <= 0.95 && Math.abs(v) <= 0.95 * o.aspect;
            case TRIANGLE: return rho <= polygon(th, 3);
            case PENTAGON: return rho <= polygon(th, 5);
            case HEXAGON: return rho <= polygon(th, 6);
            case STAR5: return rho <= star(th, 5, 0.45);
            case STAR7: return rho <= star(th, 7, 0.55);
            case CROSS: return (Math.abs(u) <= 0.3 && Math.abs(v) <= 1) || (Math.abs(v) <= 0.3 && Math.abs(u) <= 1);
            case CRESCENT: return rho <= 1 && (u - 0.5) * (u - 0.5) + v * v > 0.72 * 0.72;
            case BLOB: return rho <= 0.75 + 0.17 * StrictMath.sin(3 * th + o.p1) + 0.08 * StrictMath.sin(5 * th + o.p2);
            case ARROW: return (u >= -1 && u <= 0.15 && Math.abs(v) <= 0.25) || (u > 0.15 && u <= 1 && Math.abs(v) <= 0.75 * (1 - u) / 0.85);
            case DIAMOND: return Math.abs(u) + Math.abs(v) / o.aspect <= 1;
            case SEMICIRCLE: return rho <= 1 && v >= -0.15;
            case TEARDROP: return (u + 0.35) * (u + 0.35) + v * v <= 0.36 || (u >= -0.35 && u <= 1 && Math.abs(v) <= 0.6 * (1 - u) / 1.35 + 1e-9
                    && Math.abs(v) <= 0.6);
            case HEART: {
                double x = 1.25 * u, y = -1.25 * v + 0.25;
                double q = x * x + y * y - 1;
                return q * q * q - x * x * y * y * y <= 0;
            }
            case ANNULUS: return rho <= 1 && rho >= 0.55;
            case ELL: return (u >= -0.9 && u <= 0.9 && v >= 0.35 && v <= 0.9) || (u >= -0.9 && u <= -0.35 && v >= -0.9 && v <= 0.9);
            case HOURGLASS: return Math.abs(v) <= 0.95 && Math.abs(u) <= 0.12 + 0.8 * Math.abs(v);
            case TRAPEZOID: return Math.abs(v) <= 0.7 && Math.abs(u) <= 0.45 + 0.5 * (v + 0.7) / 1.4;
            default: throw new IllegalStateException(o.shape.name());
        }
    }

    /** Radius of a regular n-gon of circumradius 1 in direction th. */
    private static double polygon(double th, int n) {
        double sector = 2 * Math.PI / n;
        double t = ((th % sector) + sector) % sector - sector / 2;
        return StrictMath.cos(Math.PI / n) / StrictMath.cos(t);
    }

    private static double star(double th, int n, double inner) {
        double sector = 2 * Math.PI / n;
        double t = (((th % sector) + sector) % sector) / sector; // 0..1
        return inner + (1 - inner) * Math.abs(1 - 2 * t);
    }

    /** Paints the visible pixels of {@code o} with its texture: colour = mix(colA, colB, t). */
    private static void paint(float[] img, int size, Obj o, int[] owner, Obj[] objs) {
        int index = java.util.Arrays.asList(objs).indexOf(o);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                if (owner[y * size + x] != index) {
                    continue;
                }
                double dx = (x + 0.5 - o.cx) / o.r, dy = (y + 0.5 - o.cy) / o.r;
                double u = o.cos * dx + o.sin * dy, v = -o.sin * dx + o.cos * dy;
                double t = texture(o, u, v);
                int p = (y * size + x) * 3;
                double shade = 0.85 + 0.15 * (1 - Math.min(1, Math.sqrt(u * u + v * v)));
                for (int c = 0; c < 3; c++) {
                    img[p + c] = (float) (shade * (o.colA[c] * (1 - t) + o.colB[c] * t));
                }
            }
        }
    }

    private static double texture(Obj o, double u, double v) {
        double a = o.texCos * u + o.texSin * v; // texture axis
        double b = -o.texSin * u + o.texCos * v;
        double f = 2 * Math.PI / o.period;
        double rho = Math.sqrt(u * u + v * v), th = StrictMath.atan2(v, u);
        switch (o.texture) {
            case SOLID: return 0.1;
            case STRIPES: return StrictMath.sin(f * a) > 0 ? 1 : 0;
            case CHECKER: return (Math.floorMod((int) Math.floor(a / o.period * 2), 2) ^ Math.floorMod((int) Math.floor(b / o.period * 2), 2));
            case DOTS: {
                double ca = a / o.period - Math.floor(a / o.period) - 0.5, cb = b / o.period - Math.floor(b / o.period) - 0.5;
                return ca * ca + cb * cb < 0.09 ? 1 : 0;
            }
            case GRADIENT: return Math.max(0, Math.min(1, 0.5 + 0.5 * a));
            case NOISE: return hash(Math.floor(a / o.period * 3), Math.floor(b / o.period * 3), o.p1);
            case WAVES: return StrictMath.sin(f * a + 2 * StrictMath.sin(f * 0.5 * b)) > 0 ? 1 : 0;
            case GRID: {
                double ga = Math.abs(a / o.period - Math.rint(a / o.period)), gb = Math.abs(b / o.period - Math.rint(b / o.period));
                return ga < 0.12 || gb < 0.12 ? 1 : 0;
            }
            case CONCENTRIC: return StrictMath.sin(f * rho) > 0 ? 1 : 0;
            case ZIGZAG: {
                double tri = Math.abs(b / o.period * 2 - 2 * Math.floor(b / o.period + 0.5) * 1.0); // triangle wave 0..1
                return StrictMath.sin(f * (a + 0.4 * o.period * tri)) > 0 ? 1 : 0;
            }
            case BRICK: {
                double row = Math.floor(b / (0.5 * o.period));
                double col = (a + (Math.floorMod((int) row, 2) == 0 ? 0 : 0.5 * o.period)) / o.period;
                double fb = b / (0.5 * o.period) - row, fa = col - Math.floor(col);
                return fb < 0.18 || fa < 0.09 ? 1 : 0;
            }
            case SPIRAL: return StrictMath.sin(3 * th + f * rho) > 0 ? 1 : 0;
            case RINGDOTS: {
                double ca = a / o.period - Math.floor(a / o.period) - 0.5, cb = b / o.period - Math.floor(b / o.period) - 0.5;
                double d = Math.sqrt(ca * ca + cb * cb);
                return d > 0.2 && d < 0.34 ? 1 : 0;
            }
            default: throw new IllegalStateException(o.texture.name());
        }
    }

    /** A deterministic value in {0, 1} for a cell. */
    private static double hash(double i, double j, double salt) {
        long h = SynthRenderer.mix64(Double.doubleToLongBits(i * 73856093 + j * 19349663 + salt * 1e6));
        return (h & 1) == 0 ? 0 : 1;
    }

    private static void background(float[] img, int size, Background kind, SplittableRandom rng) {
        float[] a = colour(rng), b = colour(rng);
        double angle = uniform(rng, 0, Math.PI), ca = StrictMath.cos(angle), sa = StrictMath.sin(angle);
        double period = size * uniform(rng, 0.08, 0.25);
        float[] coarse = new float[7 * 7];
        for (int i = 0; i < coarse.length; i++) {
            coarse[i] = (float) rng.nextDouble();
        }
        double ox = uniform(rng, -size, 2 * size), oy = uniform(rng, -size, 2 * size);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double s = (ca * x + sa * y) / size, tt = (-sa * x + ca * y);
                double t;
                switch (kind) {
                    case SHADED: t = 0.5 * s + 0.5 * smooth(coarse, x, y, size) * 0.6; break;
                    case VALUE_NOISE: t = smooth(coarse, x, y, size); break;
                    case SOFT_STRIPES: t = 0.5 + 0.25 * StrictMath.sin(2 * Math.PI * tt / period); break;
                    case CLUTTER: t = 0.3 * smooth(coarse, x, y, size); break;
                    case BLOTCHES: t = smooth(coarse, x, y, size) > 0.55 ? 0.8 : 0.2; break;
                    case PLAID: t = 0.25 * (2 + StrictMath.sin(2 * Math.PI * x / period) + StrictMath.sin(2 * Math.PI * y / period)); break;
                    case WOODGRAIN: t = 0.5 + 0.5 * StrictMath.sin(Math.hypot(x - ox, (y - oy) * 0.3) / period * 4
                            + 3 * smooth(coarse, x, y, size)); break;
                    case TILES: {
                        double gx = x / period - Math.floor(x / period), gy = y / period - Math.floor(y / period);
                        t = gx < 0.1 || gy < 0.1 ? 1 : 0.3 * (Math.floorMod((int) (x / period) + (int) (y / period), 3)) / 2.0;
                        break;
                    }
                    default: throw new IllegalStateException(kind.name());
                }
                int p = (y * size + x) * 3;
                for (int c = 0; c < 3; c++) {
                    img[p + c] = (float) (a[c] * (1 - t) + b[c] * t);
                }
            }
        }
        if (kind == Background.CLUTTER) { // small unlabelled strokes and specks
            int strokes = rng.nextInt(6, 16);
            for (int k = 0; k < strokes; k++) {
                float[] col = colour(rng);
                double x0 = uniform(rng, 0, size), y0 = uniform(rng, 0, size), dir = uniform(rng, 0, 2 * Math.PI);
                double len = uniform(rng, 0.05, 0.3) * size;
                for (double l = 0; l < len; l += 0.5) {
                    int x = (int) (x0 + l * StrictMath.cos(dir)), y = (int) (y0 + l * StrictMath.sin(dir));
                    if (x >= 0 && y >= 0 && x < size && y < size) {
                        System.arraycopy(col, 0, img, (y * size + x) * 3, 3);
                    }
                }
            }
        }
    }

    /** Bilinear interpolation of a 7×7 grid of random values over the image: smooth noise in [0, 1]. */
    private static double smooth(float[] g, int x, int y, int size) {
        double gx = x * 6.0 / size, gy = y * 6.0 / size;
        int i = Math.min(5, (int) gx), j = Math.min(5, (int) gy);
        double fx = gx - i, fy = gy - j;
        return g[j * 7 + i] * (1 - fx) * (1 - fy) + g[j * 7 + i + 1] * fx * (1 - fy) + g[(j + 1) * 7 + i] * (1 - fx) * fy
                + g[(j + 1) * 7 + i + 1] * fx * fy;
    }

    private static double uniform(SplittableRandom rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }
}
