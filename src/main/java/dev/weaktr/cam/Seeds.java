package dev.weaktr.cam;

import dev.weaktr.io.LabelPng;

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
}
