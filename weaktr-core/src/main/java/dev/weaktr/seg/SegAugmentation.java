package dev.weaktr.seg;

import dev.weaktr.data.Augmentation;
import dev.weaktr.data.ColorJitter;
import dev.weaktr.data.ImageStats;
import dev.weaktr.data.Normalize;
import dev.weaktr.data.PilResize;
import dev.weaktr.io.LabelPng;
import dev.weaktr.io.RgbImage;
import java.util.SplittableRandom;

/** Applies {@link SegAugmentConfig} to an image and its seed mask (same geometry for both). */
public final class SegAugmentation {
    private final SegAugmentConfig cfg;
    private final ImageStats stats;

    /** A training sample: image [3, crop, crop] normalised, labels [crop·crop] (255 = ignore / padding). */
    public record Sample(float[] image, byte[] labels) {}

    public SegAugmentation(SegAugmentConfig cfg) {
        this(cfg, ImageStats.IMAGENET);
    }

    /** @param stats the encoder's input normalisation (backbones-spec §5) */
    public SegAugmentation(SegAugmentConfig cfg, ImageStats stats) {
        this.cfg = cfg;
        this.stats = stats;
    }

    public SegAugmentConfig config() {
        return cfg;
    }

    public Sample apply(RgbImage image, LabelPng.LabelMap mask, SplittableRandom rng) {
        double r = cfg.ratioMin() + rng.nextDouble() * (cfg.ratioMax() - cfg.ratioMin());
        double scale = cfg.baseSize() * r / Math.min(image.width(), image.height());
        int w = Math.max(1, (int) Math.round(image.width() * scale)), h = Math.max(1, (int) Math.round(image.height() * scale));
        RgbImage img = PilResize.bilinear(image, w, h);
        LabelPng.LabelMap lab = PilResize.nearest(mask, w, h);
        int[] box = cropBox(lab, rng);
        img = cropImage(img, box);
        lab = cropLabels(lab, box);
        if (rng.nextDouble() < cfg.flipProb()) {
            img = Augmentation.flipHorizontal(img);
            lab = flipLabels(lab);
        }
        if (cfg.photometric()) {
            img = photometric(img, rng);
        }
        return pad(img, lab);
    }

    /** Random crop [x, y, w, h]; up to 10 tries for one where no class exceeds catMaxRatio (mmseg RandomCrop). */
    private int[] cropBox(LabelPng.LabelMap lab, SplittableRandom rng) {
        int cw = Math.min(cfg.crop(), lab.width()), ch = Math.min(cfg.crop(), lab.height());
        int[] box = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            box = new int[] {rng.nextInt(lab.width() - cw + 1), rng.nextInt(lab.height() - ch + 1), cw, ch};
            if (cfg.catMaxRatio() >= 1 || balanced(lab, box)) {
                break;
            }
        }
        return box;
    }

    private boolean balanced(LabelPng.LabelMap lab, int[] box) {
        int[] counts = new int[256];
        for (int y = box[1]; y < box[1] + box[3]; y++) {
            for (int x = box[0]; x < box[0] + box[2]; x++) {
                counts[lab.get(x, y)]++;
            }
        }
        int total = 0, max = 0, classes = 0;
        for (int c = 0; c < 255; c++) {
            total += counts[c];
            max = Math.max(max, counts[c]);
            classes += counts[c] > 0 ? 1 : 0;
        }
        return classes > 1 && max / (double) total < cfg.catMaxRatio();
    }

    private static RgbImage cropImage(RgbImage img, int[] b) {
        byte[] out = new byte[b[2] * b[3] * 3];
        for (int y = 0; y < b[3]; y++) {
            System.arraycopy(img.rgb(), ((b[1] + y) * img.width() + b[0]) * 3, out, y * b[2] * 3, b[2] * 3);
        }
        return new RgbImage(b[2], b[3], out);
    }

    private static LabelPng.LabelMap cropLabels(LabelPng.LabelMap lab, int[] b) {
        byte[] out = new byte[b[2] * b[3]];
        for (int y = 0; y < b[3]; y++) {
            System.arraycopy(lab.labels(), (b[1] + y) * lab.width() + b[0], out, y * b[2], b[2]);
        }
        return new LabelPng.LabelMap(out, b[2], b[3]);
    }

    private static LabelPng.LabelMap flipLabels(LabelPng.LabelMap lab) {
        byte[] out = new byte[lab.labels().length];
        int w = lab.width();
        for (int y = 0; y < lab.height(); y++) {
            for (int x = 0; x < w; x++) {
                out[y * w + x] = lab.labels()[y * w + w - 1 - x];
            }
        }
        return new LabelPng.LabelMap(out, w, lab.height());
    }

    /** mmseg PhotoMetricDistortion without the hue shift: brightness delta, contrast, saturation, each p = ½. */
    private static RgbImage photometric(RgbImage img, SplittableRandom rng) {
        byte[] px = img.rgb().clone();
        if (rng.nextBoolean()) {
            double delta = -32 + rng.nextDouble() * 64;
            for (int i = 0; i < px.length; i++) {
                px[i] = (byte) Math.max(0, Math.min(255, Math.round((px[i] & 0xff) + delta)));
            }
        }
        if (rng.nextBoolean()) {
            double alpha = 0.5 + rng.nextDouble();
            for (int i = 0; i < px.length; i++) {
                px[i] = (byte) Math.max(0, Math.min(255, Math.round((px[i] & 0xff) * alpha)));
            }
        }
        RgbImage out = new RgbImage(img.width(), img.height(), px);
        return rng.nextBoolean() ? ColorJitter.saturation(out, (float) (0.5 + rng.nextDouble())) : out;
    }

    /** Normalise and pad to crop×crop: image 0 (in normalised units), labels 255. */
    private Sample pad(RgbImage img, LabelPng.LabelMap lab) {
        int c = cfg.crop();
        float[] chw = Normalize.toChw(img, stats.mean(), stats.std());
        float[] image = new float[3 * c * c];
        byte[] labels = new byte[c * c];
        java.util.Arrays.fill(labels, (byte) 255);
        for (int y = 0; y < img.height(); y++) {
            for (int ch = 0; ch < 3; ch++) {
                System.arraycopy(chw, (ch * img.height() + y) * img.width(), image, (ch * c + y) * c, img.width());
            }
            System.arraycopy(lab.labels(), y * img.width(), labels, y * c, img.width());
        }
        return new Sample(image, labels);
    }
}
