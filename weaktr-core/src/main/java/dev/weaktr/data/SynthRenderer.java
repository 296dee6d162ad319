package dev.weaktr.data;

import dev.weaktr.io.LabelPng;
import dev.weaktr.io.LabelPng.LabelMap;
import dev.weaktr.io.RgbImage;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws one image of the synthetic benchmark and its mask. Layers, bottom to top: a colour gradient
 * with low-frequency shading and pixel noise; thin distractor strokes (no class); 1..4 textured
 * objects, later ones occluding earlier ones; pixel noise. The mask shows each object's visible part
 * (pixels at least half covered, from 2x2 supersampling) and 255 on every region boundary.
 * A layout is redrawn until every object keeps at least 40 % of its area visible (25 % outside the
 * 255 band), so every labelled
 * class is clearly visible and nothing visible is unlabelled. Only StrictMath is used for
 * transcendental functions, so output is identical on every JVM.
 */
final class SynthRenderer {
    /** A rendered image with its mask, both {@code size x size}. */
    record Sample(RgbImage image, LabelMap mask) {}

    private static final double MIN_VISIBLE = 0.4;
    private static final double MIN_LABELLED = 0.25; // visible and outside the 255 band
    private static final int LAYOUT_TRIES = 60;

    /** One object: geometry (centre, radius, rotation) and appearance (two colours, texture, shading). */
    private static final class Obj {
        SynthShape shape;
        double cx, cy, r, cos, sin;
        float[] colA, colB;
        double period, texCos, texSin, phase, shadeX, shadeY;
        int spokes;
        long speckleSeed;
    }

    /**
     * A single-class variant ({@code synth --single-class}): only {@code target} is labelled (class 1); with
     * {@code distractors} the other shapes appear too, unlabelled (background in the mask); a {@code negative}
     * image holds no target object (only distractors, or none).
     */
    record Focus(SynthShape target, boolean distractors, boolean negative) {}

    private SynthRenderer() {}

    static Sample render(SynthConfig cfg, SplittableRandom rng) {
        return render(cfg, rng, null);
    }

    /** @param focus the single-class variant, or null for the five-class benchmark */
    static Sample render(SynthConfig cfg, SplittableRandom rng, Focus focus) {
        int s = cfg.size();
        int n = rng.nextInt(cfg.minObjects(), cfg.maxObjects() + 1);
        if (focus != null && focus.negative() && !focus.distractors()) {
            n = 0; // a negative without distractors: background and strokes only
        }
        Obj[] objs = null;
        int[] owner = null;
        for (int attempt = 0; owner == null; attempt++) {
            if (attempt > 0 && attempt % LAYOUT_TRIES == 0 && n > 1) {
                n--; // crowded: fewer objects
            }
            objs = new Obj[n];
            for (int i = 0; i < n; i++) {
                objs[i] = place(cfg, rng);
                if (focus != null) {
                    objs[i].shape = focusShape(focus, i, rng);
                }
            }
            owner = visibleLayout(objs, s, cfg.ignoreRadius());
        }
        float[] img = background(s, rng);
        strokes(img, s, rng);
        for (int i = 0; i < objs.length; i++) {
            dress(objs[i], rng);
            paint(img, s, objs[i]);
        }
        addNoise(img, rng, 5);
        return new Sample(new RgbImage(s, s, quantise(img)), focus == null ? mask(owner, objs, s, cfg.ignoreRadius())
                : focusMask(owner, objs, s, cfg.ignoreRadius(), focus.target()));
    }

    /**
     * Object {@code i}'s shape in the single-class variant: a positive image's first object is the target, the
     * others are the target or (with distractors) another shape, half and half; a negative's are all distractors.
     */
    private static SynthShape focusShape(Focus f, int i, SplittableRandom rng) {
        boolean target = !f.negative() && (i == 0 || !f.distractors() || rng.nextBoolean());
        if (target) {
            return f.target();
        }
        int k = rng.nextInt(SynthShape.values().length - 1);
        return SynthShape.values()[k >= f.target().ordinal() ? k + 1 : k];
    }

    /** Single-class mask: target objects 1, distractors and background 0, 255 on the target's region borders. */
    private static LabelMap focusMask(int[] owner, Obj[] objs, int s, int radius, SynthShape target) {
        int[] labelled = owner.clone();
        for (int p = 0; p < labelled.length; p++) {
            if (labelled[p] >= 0 && objs[labelled[p]].shape != target) {
                labelled[p] = -1;
            }
        }
        byte[] labels = new byte[s * s];
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                int label = labelled[y * s + x] < 0 ? 0 : 1;
                labels[y * s + x] = (byte) (nearBoundary(labelled, s, x, y, radius) ? LabelPng.IGNORE : label);
            }
        }
        return new LabelMap(labels, s, s);
    }

    private static Obj place(SynthConfig cfg, SplittableRandom rng) {
        int s = cfg.size();
        Obj o = new Obj();
        o.shape = SynthShape.values()[rng.nextInt(SynthShape.values().length)];
        o.r = 0.5 * s * uniform(rng, cfg.minObjectFrac(), cfg.maxObjectFrac());
        o.cx = uniform(rng, 0.7 * o.r, s - 0.7 * o.r);
        o.cy = uniform(rng, 0.7 * o.r, s - 0.7 * o.r);
        double angle = uniform(rng, 0, 2 * Math.PI);
        o.cos = StrictMath.cos(angle);
        o.sin = StrictMath.sin(angle);
        return o;
    }

    /** Number of the 2x2 sub-pixel samples of pixel (x, y) inside {@code o}: 0..4. */
    private static int coverage(Obj o, int x, int y) {
        int n = 0;
        for (int k = 0; k < 4; k++) {
            double dx = x + 0.25 + 0.5 * (k & 1) - o.cx, dy = y + 0.25 + 0.5 * (k >> 1) - o.cy;
            double u = (dx * o.cos + dy * o.sin) / o.r, v = (-dx * o.sin + dy * o.cos) / o.r;
            n += o.shape.inside(u, v) ? 1 : 0;
        }
        return n;
    }

    /**
     * Owner map (object index or -1 = background) when every object keeps 40 % of its area visible and
     * 25 % visible outside the 255 band, else null.
     */
    private static int[] visibleLayout(Obj[] objs, int s, int radius) {
        int[] owner = new int[s * s];
        Arrays.fill(owner, -1);
        int[] full = new int[objs.length];
        for (int i = 0; i < objs.length; i++) {
            int[] box = bounds(objs[i], s);
            for (int y = box[1]; y < box[3]; y++) {
                for (int x = box[0]; x < box[2]; x++) {
                    if (coverage(objs[i], x, y) >= 2) {
                        owner[y * s + x] = i;
                        full[i]++;
                    }
                }
            }
        }
        int[] visible = new int[objs.length], labelled = new int[objs.length];
        for (int p = 0; p < owner.length; p++) {
            int o = owner[p];
            if (o >= 0) {
                visible[o]++;
                labelled[o] += nearBoundary(owner, s, p % s, p / s, radius) ? 0 : 1;
            }
        }
        for (int i = 0; i < objs.length; i++) {
            if (full[i] == 0 || visible[i] < MIN_VISIBLE * full[i] || labelled[i] < MIN_LABELLED * full[i]) {
                return null;
            }
        }
        return owner;
    }

    /** Pixel box {x0, y0, x1, y1} (exclusive end) that holds the object, clipped to the image. */
    private static int[] bounds(Obj o, int s) {
        double e = 1.25 * o.r + 1;
        return new int[] {
            Math.max(0, (int) Math.floor(o.cx - e)), Math.max(0, (int) Math.floor(o.cy - e)),
            Math.min(s, (int) Math.ceil(o.cx + e)), Math.min(s, (int) Math.ceil(o.cy + e))
        };
    }

    /**
     * Appearance. Hue ranges of the classes overlap (centre k/5, spread ±0.3), so colour alone does
     * not tell the class; the second texture colour is a darker, hue-shifted version of the first.
     */
    private static void dress(Obj o, SplittableRandom rng) {
        double hue = o.shape.ordinal() / 5.0 + uniform(rng, -0.3, 0.3);
        double sat = uniform(rng, 0.45, 1), val = uniform(rng, 0.6, 1);
        o.colA = hsv(hue, sat, val);
        o.colB = hsv(hue + uniform(rng, -0.12, 0.12), uniform(rng, 0.3, 1), val * uniform(rng, 0.2, 0.5));
        if (rng.nextBoolean()) {
            float[] t = o.colA;
            o.colA = o.colB;
            o.colB = t;
        }
        o.period = uniform(rng, 5, 9);
        double texAngle = uniform(rng, 0, Math.PI);
        o.texCos = StrictMath.cos(texAngle);
        o.texSin = StrictMath.sin(texAngle);
        o.phase = rng.nextDouble();
        o.spokes = 2 * rng.nextInt(5, 9);
        o.speckleSeed = rng.nextLong();
        double shadeAngle = uniform(rng, 0, 2 * Math.PI), shade = uniform(rng, 0, 0.25);
        o.shadeX = shade * StrictMath.cos(shadeAngle);
        o.shadeY = shade * StrictMath.sin(shadeAngle);
    }

    /** Texture mix at pixel centre (x, y): 0 = colour A, 1 = colour B; the class's own pattern. */
    private static double texture(Obj o, double dx, double dy, double u, double v, int x, int y) {
        double lu = u * o.r, lv = v * o.r; // rotated frame, in px
        return switch (o.shape) {
            case DISC -> frac((dx * o.texCos + dy * o.texSin) / o.period + o.phase) < 0.5 ? 0 : 1;
            case SQUARE -> ((int) Math.floor(lu / (0.8 * o.period) + 64) + (int) Math.floor(lv / (0.8 * o.period) + 64)) & 1;
            case TRIANGLE -> {
                double gu = frac(lu / o.period + o.phase) - 0.5, gv = frac(lv / o.period) - 0.5;
                yield gu * gu + gv * gv < 0.3 * 0.3 ? 1 : 0; // dot radius 0.3 period
            }
            case RING -> (int) Math.floor((StrictMath.atan2(v, u) + Math.PI) / (2 * Math.PI) * o.spokes) & 1;
            case STAR -> (mix64(o.speckleSeed ^ (x / 2) * 0x9E3779B97F4A7C15L ^ (y / 2) * 0xC2B2AE3D27D4EB4FL) & 1);
        };
    }

    private static void paint(float[] img, int s, Obj o) {
        int[] box = bounds(o, s);
        for (int y = box[1]; y < box[3]; y++) {
            for (int x = box[0]; x < box[2]; x++) {
                int cov = coverage(o, x, y);
                if (cov == 0) {
                    continue;
                }
                double dx = x + 0.5 - o.cx, dy = y + 0.5 - o.cy;
                double u = (dx * o.cos + dy * o.sin) / o.r, v = (-dx * o.sin + dy * o.cos) / o.r;
                double t = texture(o, dx, dy, u, v, x, y);
                double shade = 1 + o.shadeX * u + o.shadeY * v;
                float alpha = cov / 4f;
                int p = (y * s + x) * 3;
                for (int c = 0; c < 3; c++) {
                    double col = ((1 - t) * o.colA[c] + t * o.colB[c]) * shade;
                    img[p + c] = (float) (alpha * col + (1 - alpha) * img[p + c]);
                }
            }
        }
    }

    /** Two-colour gradient (mostly muted colours) with low-frequency waves and grain. */
    private static float[] background(int s, SplittableRandom rng) {
        float[] c1 = hsv(rng.nextDouble(), uniform(rng, 0, 0.55), uniform(rng, 0.25, 0.9));
        float[] c2 = hsv(rng.nextDouble(), uniform(rng, 0, 0.55), uniform(rng, 0.25, 0.9));
        double ga = uniform(rng, 0, 2 * Math.PI), gc = StrictMath.cos(ga), gs = StrictMath.sin(ga);
        int waves = 4;
        double[] fx = new double[waves], fy = new double[waves], ph = new double[waves], amp = new double[waves];
        for (int k = 0; k < waves; k++) {
            double a = uniform(rng, 0, 2 * Math.PI), f = 2 * Math.PI / s * uniform(rng, 1, 5);
            fx[k] = f * StrictMath.cos(a);
            fy[k] = f * StrictMath.sin(a);
            ph[k] = uniform(rng, 0, 2 * Math.PI);
            amp[k] = uniform(rng, 4, 14);
        }
        float[] img = new float[s * s * 3];
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                double t = Math.min(1, Math.max(0, ((x - s / 2.0) * gc + (y - s / 2.0) * gs) / s + 0.5));
                double wave = 0;
                for (int k = 0; k < waves; k++) {
                    wave += amp[k] * StrictMath.sin(fx[k] * x + fy[k] * y + ph[k]);
                }
                int p = (y * s + x) * 3;
                for (int c = 0; c < 3; c++) {
                    img[p + c] = (float) ((1 - t) * c1[c] + t * c2[c] + wave);
                }
            }
        }
        addNoise(img, rng, 10);
        return img;
    }

    /** 6..14 thin anti-aliased polylines of random colour: clutter that belongs to no class. */
    private static void strokes(float[] img, int s, SplittableRandom rng) {
        int count = rng.nextInt(6, 15);
        for (int i = 0; i < count; i++) {
            float[] col = hsv(rng.nextDouble(), rng.nextDouble(), uniform(rng, 0.1, 1));
            double width = uniform(rng, 1, 2.5);
            double x = uniform(rng, 0, s), y = uniform(rng, 0, s), dir = uniform(rng, 0, 2 * Math.PI);
            int segments = rng.nextInt(2, 5);
            for (int k = 0; k < segments; k++) {
                dir += uniform(rng, -1.2, 1.2);
                double len = s * uniform(rng, 0.05, 0.18);
                double x2 = x + len * StrictMath.cos(dir), y2 = y + len * StrictMath.sin(dir);
                segment(img, s, x, y, x2, y2, width, col);
                x = x2;
                y = y2;
            }
        }
    }

    private static void segment(float[] img, int s, double x1, double y1, double x2, double y2, double w, float[] col) {
        int x0 = Math.max(0, (int) Math.floor(Math.min(x1, x2) - w)), x3 = Math.min(s, (int) Math.ceil(Math.max(x1, x2) + w));
        int y0 = Math.max(0, (int) Math.floor(Math.min(y1, y2) - w)), y3 = Math.min(s, (int) Math.ceil(Math.max(y1, y2) + w));
        double ex = x2 - x1, ey = y2 - y1, len2 = Math.max(ex * ex + ey * ey, 1e-9);
        for (int y = y0; y < y3; y++) {
            for (int x = x0; x < x3; x++) {
                double px = x + 0.5 - x1, py = y + 0.5 - y1;
                double t = Math.min(1, Math.max(0, (px * ex + py * ey) / len2));
                double d = Math.hypot(px - t * ex, py - t * ey);
                double alpha = Math.min(1, Math.max(0, w / 2 + 0.5 - d));
                if (alpha > 0) {
                    int p = (y * s + x) * 3;
                    for (int c = 0; c < 3; c++) {
                        img[p + c] = (float) (alpha * col[c] + (1 - alpha) * img[p + c]);
                    }
                }
            }
        }
    }

    /** Triangular noise in [-amp, amp] on every channel. */
    private static void addNoise(float[] img, SplittableRandom rng, double amp) {
        for (int i = 0; i < img.length; i++) {
            img[i] += (float) (amp * (rng.nextDouble() - rng.nextDouble()));
        }
    }

    /** Class per pixel from the owner map; 255 within {@code radius} (Chebyshev) of another region. */
    private static LabelMap mask(int[] owner, Obj[] objs, int s, int radius) {
        byte[] labels = new byte[s * s];
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                int o = owner[y * s + x];
                int label = o < 0 ? 0 : objs[o].shape.ordinal() + 1;
                if (nearBoundary(owner, s, x, y, radius)) {
                    label = LabelPng.IGNORE;
                }
                labels[y * s + x] = (byte) label;
            }
        }
        return new LabelMap(labels, s, s);
    }

    private static boolean nearBoundary(int[] owner, int s, int x, int y, int radius) {
        int o = owner[y * s + x];
        for (int yy = Math.max(0, y - radius); yy <= Math.min(s - 1, y + radius); yy++) {
            for (int xx = Math.max(0, x - radius); xx <= Math.min(s - 1, x + radius); xx++) {
                if (owner[yy * s + xx] != o) {
                    return true;
                }
            }
        }
        return false;
    }

    private static byte[] quantise(float[] img) {
        byte[] out = new byte[img.length];
        for (int i = 0; i < img.length; i++) {
            out[i] = (byte) Math.min(255, Math.max(0, Math.round(img[i])));
        }
        return out;
    }

    /** HSV (hue wraps around, s and v in [0, 1]) to RGB in 0..255. */
    static float[] hsv(double h, double s, double v) {
        h = (h - Math.floor(h)) * 6;
        int i = (int) h % 6;
        double f = h - Math.floor(h);
        double p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
        double[] rgb = switch (i) {
            case 0 -> new double[] {v, t, p};
            case 1 -> new double[] {q, v, p};
            case 2 -> new double[] {p, v, t};
            case 3 -> new double[] {p, q, v};
            case 4 -> new double[] {t, p, v};
            default -> new double[] {v, p, q};
        };
        return new float[] {(float) (255 * rgb[0]), (float) (255 * rgb[1]), (float) (255 * rgb[2])};
    }

    private static double uniform(SplittableRandom rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }

    private static double frac(double v) {
        return v - Math.floor(v);
    }

    /** SplitMix64's finaliser: a well-mixed hash of a long. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
