package dev.weaktr.data;

import dev.weaktr.io.RgbImage;
import java.util.SplittableRandom;

/**
 * torchvision's {@code RandomResizedCrop.get_params}: up to 10 tries of an area fraction
 * {@code s ~ U(scaleMin, scaleMax)} and a log-uniform aspect ratio {@code r}, box
 * {@code w = round(sqrt(s*A*r)), h = round(sqrt(s*A/r))} (round half to even, as Python) placed
 * uniformly if it fits; otherwise a centre crop clamped to the ratio range.
 */
public final class RandomResizedCrop {
    /** A crop box: top-left {@code (x, y)}, size {@code width x height}, inside the image. */
    public record Box(int x, int y, int width, int height) {}

    private static final int ATTEMPTS = 10;

    private RandomResizedCrop() {}

    public static Box sample(int width, int height, AugmentConfig cfg, SplittableRandom rng) {
        double area = (double) width * height;
        double logMin = StrictMath.log(cfg.ratioMin()), logMax = StrictMath.log(cfg.ratioMax());
        for (int i = 0; i < ATTEMPTS; i++) {
            double target = area * uniform(rng, cfg.scaleMin(), cfg.scaleMax());
            double ratio = StrictMath.exp(uniform(rng, logMin, logMax));
            int w = (int) Math.rint(Math.sqrt(target * ratio));
            int h = (int) Math.rint(Math.sqrt(target / ratio));
            if (w > 0 && w <= width && h > 0 && h <= height) {
                int y = rng.nextInt(height - h + 1);
                int x = rng.nextInt(width - w + 1);
                return new Box(x, y, w, h);
            }
        }
        return centre(width, height, cfg);
    }

    /** The fallback: the whole image, narrowed to the nearest allowed aspect ratio, centred. */
    static Box centre(int width, int height, AugmentConfig cfg) {
        double inRatio = (double) width / height;
        int w = width, h = height;
        if (inRatio < cfg.ratioMin()) {
            h = (int) Math.rint(w / cfg.ratioMin());
        } else if (inRatio > cfg.ratioMax()) {
            w = (int) Math.rint(h * cfg.ratioMax());
        }
        return new Box((width - w) / 2, (height - h) / 2, w, h);
    }

    private static double uniform(SplittableRandom rng, double lo, double hi) {
        return lo == hi ? lo : lo + (hi - lo) * rng.nextDouble();
    }

    /** Crops {@code box} out of {@code img} and resizes it to {@code size x size} with PIL bicubic. */
    public static RgbImage apply(RgbImage img, Box box, int size) {
        return PilResize.bicubic(crop(img, box), size, size);
    }

    public static RgbImage crop(RgbImage img, Box box) {
        byte[] out = new byte[box.width() * box.height() * 3];
        int rowBytes = box.width() * 3;
        for (int y = 0; y < box.height(); y++) {
            System.arraycopy(img.rgb(), ((box.y() + y) * img.width() + box.x()) * 3, out, y * rowBytes, rowBytes);
        }
        return new RgbImage(box.width(), box.height(), out);
    }
}
