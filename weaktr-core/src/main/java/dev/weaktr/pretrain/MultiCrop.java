package dev.weaktr.pretrain;

import dev.weaktr.data.AugmentConfig;
import dev.weaktr.data.Augmentation;
import dev.weaktr.data.ColorJitter;
import dev.weaktr.data.Normalize;
import dev.weaktr.data.RandomResizedCrop;
import dev.weaktr.io.RgbImage;
import java.util.SplittableRandom;

/**
 * DINO's multi-crop augmentation (Caron et al. 2021 §3.1 and the published recipe's DataAugmentationDINO): two global
 * views (RandomResizedCrop of area {@code [globalScaleMin, 1]}) and {@code localCrops} local views (area
 * {@code [0.05, globalScaleMin]}), each flipped with p = 0.5, colour-jittered with p = 0.8 (brightness 0.4, contrast
 * 0.4, saturation 0.2), turned grey with p = 0.2, then Gaussian-blurred — p = 1 for the first global view, 0.1 for
 * the second (which is also solarised with p = 0.2), 0.5 for the local ones — with σ drawn from [0.1, 2.0] · size/224.
 * Deviation: no hue jitter (weaktr's ColorJitter has none).
 *
 * @param globalSize global view size (px)
 * @param localSize local view size (px)
 * @param localCrops number of local views (0 = two global views only)
 * @param globalScaleMin smallest area fraction of a global view; the local views take the range below it
 */
public record MultiCrop(int globalSize, int localSize, int localCrops, double globalScaleMin) {
    /** All views of one image, each normalised {@code [3, s, s]}: global 1, global 2, then the local ones. */
    public float[][] views(RgbImage img, SplittableRandom rng) {
        float[][] out = new float[2 + localCrops][];
        AugmentConfig global = new AugmentConfig(globalSize, globalScaleMin, 1.0, 3.0 / 4, 4.0 / 3, 0.5, 0.4, 0.4, 0.2);
        AugmentConfig local = new AugmentConfig(localSize, 0.05, globalScaleMin, 3.0 / 4, 4.0 / 3, 0.5, 0.4, 0.4, 0.2);
        out[0] = Normalize.toChw(view(img, global, 1.0, 0, rng));
        out[1] = Normalize.toChw(view(img, global, 0.1, 0.2, rng));
        for (int i = 0; i < localCrops; i++) {
            out[2 + i] = Normalize.toChw(view(img, local, 0.5, 0, rng));
        }
        return out;
    }

    static RgbImage view(RgbImage img, AugmentConfig cfg, double blurProb, double solarizeProb, SplittableRandom rng) {
        RgbImage v = RandomResizedCrop.apply(img, RandomResizedCrop.sample(img.width(), img.height(), cfg, rng), cfg.size());
        if (rng.nextDouble() < cfg.flipProb()) {
            v = Augmentation.flipHorizontal(v);
        }
        if (rng.nextDouble() < 0.8) {
            v = ColorJitter.apply(v, cfg, rng);
        }
        if (rng.nextDouble() < 0.2) {
            v = grey(v);
        }
        if (rng.nextDouble() < blurProb) {
            double sigma = (0.1 + 1.9 * rng.nextDouble()) * cfg.size() / 224.0;
            v = blur(v, sigma);
        }
        if (solarizeProb > 0 && rng.nextDouble() < solarizeProb) {
            v = solarize(v);
        }
        return v;
    }

    /** PIL's convert("L") (ITU-R 601-2 luma, L = (299 R + 587 G + 114 B) / 1000), replicated to three channels. */
    static RgbImage grey(RgbImage img) {
        byte[] s = img.rgb(), o = new byte[s.length];
        for (int i = 0; i < s.length; i += 3) {
            int l = ((s[i] & 0xff) * 299 + (s[i + 1] & 0xff) * 587 + (s[i + 2] & 0xff) * 114 + 500) / 1000;
            o[i] = o[i + 1] = o[i + 2] = (byte) l;
        }
        return new RgbImage(img.width(), img.height(), o);
    }

    /** PIL's ImageOps.solarize(threshold 128): values ≥ 128 become 255 − value. */
    static RgbImage solarize(RgbImage img) {
        byte[] s = img.rgb(), o = new byte[s.length];
        for (int i = 0; i < s.length; i++) {
            int v = s[i] & 0xff;
            o[i] = (byte) (v >= 128 ? 255 - v : v);
        }
        return new RgbImage(img.width(), img.height(), o);
    }

    /** Separable Gaussian blur with kernel radius ⌈3σ⌉ and clamped borders. */
    static RgbImage blur(RgbImage img, double sigma) {
        int r = Math.max(1, (int) Math.ceil(3 * sigma));
        double[] k = new double[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) {
            k[i + r] = Math.exp(-i * i / (2 * sigma * sigma));
            sum += k[i + r];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        int w = img.width(), h = img.height();
        byte[] s = img.rgb();
        double[] tmp = new double[s.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    double acc = 0;
                    for (int i = -r; i <= r; i++) {
                        int xx = Math.min(w - 1, Math.max(0, x + i));
                        acc += k[i + r] * (s[(y * w + xx) * 3 + c] & 0xff);
                    }
                    tmp[(y * w + x) * 3 + c] = acc;
                }
            }
        }
        byte[] o = new byte[s.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    double acc = 0;
                    for (int i = -r; i <= r; i++) {
                        int yy = Math.min(h - 1, Math.max(0, y + i));
                        acc += k[i + r] * tmp[(yy * w + x) * 3 + c];
                    }
                    o[(y * w + x) * 3 + c] = (byte) Math.max(0, Math.min(255, Math.round(acc)));
                }
            }
        }
        return new RgbImage(w, h, o);
    }
}
