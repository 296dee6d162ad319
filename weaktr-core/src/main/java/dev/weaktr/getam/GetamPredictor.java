package dev.weaktr.getam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.io.RgbImage;
import dev.weaktr.nn.BilinearResize;

/**
 * GETAM's segmentation inference (peers.md §3.6; official {@code test.py}): the image resized to squares of 256, 320
 * and 480 (aspect not kept; OpenCV {@code INTER_LINEAR} on the 8-bit image, here bilinear in float then rounded),
 * ImageNet-normalised, the segmentation logits of each upsampled bilinearly (align_corners False) to the image and
 * averaged; no flip. Softmax, argmax and the optional CRF ({@code --crf getam}: 20 iterations) follow.
 */
public final class GetamPredictor {
    /** The official test sizes. */
    public static final int[] SIZES = {256, 320, 480};

    private GetamPredictor() {}

    /**
     * @param sizes square input sides, multiples of 32
     * @return the averaged logits [K, H, W] row-major (K = C + 1)
     */
    public static float[] logits(GetamNet net, RgbImage img, int[] sizes, NDManager manager) {
        return logits(net, img.height(), img.width(), sizes, s -> resizeSquare(img, s), manager);
    }

    /** As {@link #logits(GetamNet, RgbImage, int[], NDManager)} with the resized images given ([3, s, s], 0–255). */
    static float[] logits(GetamNet net, int h, int w, int[] sizes, java.util.function.IntFunction<float[]> resizedAt,
            NDManager manager) {
        int k = net.config().numClasses() + 1;
        float[] sum = new float[k * h * w];
        for (int s : sizes) {
            float[] resized = resizedAt.apply(s).clone();
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < s * s; i++) {
                    resized[c * s * s + i] = (float) ((resized[c * s * s + i] / 255.0 - GetamCrop.MEAN[c]) / GetamCrop.STD[c]);
                }
            }
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray x = manager.create(resized, new Shape(1, 3, s, s));
                NDArray seg = BilinearResize.resize(net.forward(x, null).seg(), h, w); // [1, K, H, W]
                float[] v = seg.toFloatArray();
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += v[i];
                }
            }
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= sizes.length;
        }
        return sum;
    }

    /** The image resized to s×s as the official {@code test.py}'s {@code cv2.resize} does, 0–255, planar [3, s, s]. */
    static float[] resizeSquare(RgbImage img, int s) {
        byte[] rgb = dev.weaktr.data.OpenCvLinearResize.resize(img.rgb(), img.height(), img.width(), 3, s, s);
        float[] resized = new float[3 * s * s];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < s * s; i++) {
                resized[c * s * s + i] = rgb[i * 3 + c] & 0xff;
            }
        }
        return resized;
    }
}
