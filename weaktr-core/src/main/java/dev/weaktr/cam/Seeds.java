package dev.weaktr.cam;

import dev.weaktr.crf.CrfConfig;
import dev.weaktr.crf.DenseCrf;
import dev.weaktr.crf.MeanField;
import dev.weaktr.io.LabelPng;
import dev.weaktr.io.RgbImage;

/**
 * CAM seeds (spec §3.3, peers.md §0.1): a constant background plane t in front of the present-class maps,
 * argmax (ties go to the background, as numpy's argmax takes the first), index mapped to the class.
 */
public final class Seeds {
    private Seeds() {}

    /** @return label map [H, W] with values 0 (background) or a class index from {@code cams.classes()} */
    public static LabelPng.LabelMap threshold(CamInference.Cams cams, double background) {
        int plane = cams.height() * cams.width();
        byte[] labels = new byte[plane];
        float[] maps = cams.maps();
        int[] cls = cams.classes();
        for (int i = 0; i < plane; i++) {
            float best = (float) background;
            int label = 0;
            for (int k = 0; k < cls.length; k++) {
                float v = maps[k * plane + i];
                if (v > best) {
                    best = v;
                    label = cls[k];
                }
            }
            labels[i] = (byte) label;
        }
        return new LabelPng.LabelMap(labels, cams.width(), cams.height());
    }

    /**
     * Thresholded seeds refined by a dense CRF over the image's own label set (background + its classes),
     * with hard-label unaries (spec §3.3: gt_prob 0.7, e.g. preset weaktr-cam-voc).
     */
    public static LabelPng.LabelMap refined(CamInference.Cams cams, double background, RgbImage image, CrfConfig crf,
            MeanField worker) {
        LabelPng.LabelMap seed = threshold(cams, background);
        int[] keys = new int[cams.classes().length + 1];
        System.arraycopy(cams.classes(), 0, keys, 1, cams.classes().length);
        byte[] labels = DenseCrf.refineLabelMap(worker, image, seed.labels(), keys, crf);
        return new LabelPng.LabelMap(labels, seed.width(), seed.height());
    }
}
