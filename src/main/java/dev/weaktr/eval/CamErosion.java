package dev.weaktr.eval;

import dev.weaktr.cam.CamInference;
import dev.weaktr.cam.CamStore;
import dev.weaktr.data.VocDataset;
import dev.weaktr.io.LabelPng;
import java.nio.file.Path;

/**
 * SemFormer's CAM-evaluation post-processing (its evaluate.py {@code post_process}; peers.md §4.6): the thresholded
 * CAM label map is split into one binary mask per label, each eroded with a k×k square ({@code cv2.erode}: pixels
 * outside the image count as set, so borders do not erode), and the argmax taken — a pixel keeps its class only when
 * its whole (image-clipped) k×k window has that class, else it becomes background. Scored over the same threshold
 * sweep as {@link CamEvaluator}, with a confusion matrix per threshold.
 */
public final class CamErosion {
    private CamErosion() {}

    /** Best mIoU (percent) over the thresholds and its threshold. */
    public record Score(double mIoU, double threshold) {}

    /**
     * @param labels [H·W] class per pixel (0 = background)
     * @return the labels after the per-class erosion and argmax
     */
    public static int[] erode(int[] labels, int width, int height, int kernel) {
        int r = kernel / 2;
        boolean[] rowSame = new boolean[labels.length]; // the row window around the pixel holds only its label
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int c = labels[y * width + x];
                boolean same = true;
                for (int dx = Math.max(0, x - r); dx <= Math.min(width - 1, x + r) && same; dx++) {
                    same = labels[y * width + dx] == c;
                }
                rowSame[y * width + x] = same;
            }
        }
        int[] out = new int[labels.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int c = labels[y * width + x];
                boolean keep = c != 0;
                for (int dy = Math.max(0, y - r); dy <= Math.min(height - 1, y + r) && keep; dy++) {
                    keep = rowSame[dy * width + x] && labels[dy * width + x] == c;
                }
                out[y * width + x] = keep ? c : 0;
            }
        }
        return out;
    }

    /** The threshold sweep {@code from..to} by {@code step} with the erosion applied at every threshold. */
    public static Score evaluate(Path camsDir, VocDataset data, double from, double to, double step, int kernel) {
        CamStore store = CamStore.open(camsDir);
        int k = data.classes().size();
        int n = (int) Math.round((to - from) / step) + 1;
        ConfusionMatrix[] m = new ConfusionMatrix[n];
        for (int t = 0; t < n; t++) {
            m[t] = new ConfusionMatrix(k);
        }
        for (String id : data.ids()) {
            LabelPng.LabelMap gt = data.readMask(id);
            CamInference.Cams cams = store.read(id, gt.height(), gt.width());
            int plane = gt.width() * gt.height();
            float[] max = new float[plane];
            int[] arg = new int[plane];
            CamEvaluator.maxOverClasses(cams, max, arg);
            int[] labels = new int[plane];
            byte[] pred = new byte[plane];
            for (int t = 0; t < n; t++) {
                float th = (float) (from + t * step);
                for (int i = 0; i < plane; i++) {
                    labels[i] = cams.classes().length > 0 && max[i] > th ? arg[i] : 0;
                }
                int[] eroded = erode(labels, gt.width(), gt.height(), kernel);
                for (int i = 0; i < plane; i++) {
                    pred[i] = (byte) eroded[i];
                }
                m[t].add(gt.labels(), pred);
            }
        }
        int best = 0;
        for (int t = 1; t < n; t++) {
            if (m[t].meanIou() > m[best].meanIou()) {
                best = t;
            }
        }
        return new Score(100 * m[best].meanIou(), Math.round((from + best * step) * 100) / 100.0);
    }
}
