package dev.weaktr.getam;

import dev.weaktr.cam.BilinearUpsample;
import dev.weaktr.io.RgbImage;
import java.util.SplittableRandom;

/**
 * GETAM's training crop (official {@code myTool.get_data_from_chunk_v3}): resize so the long side is a random
 * integer in [⌊0.9·crop⌋, ⌊crop/0.875⌋] (230..292 for 256; the short side {@code round(·)}, half to even as Python),
 * bilinearly (OpenCV's {@code INTER_LINEAR} on the float image: half-pixel centres, no antialiasing) and the saliency
 * map with nearest neighbour; horizontal flip with p = 0.5; ImageNet normalisation; a random crop×crop window with
 * zero (normalised) padding and the valid-pixel mask ({@code croppings}). Also returns {@code ori_images}, the 0–255
 * crop that PAMR and the dense-CRF loss see: truncated to integers as the official {@code astype(uint8)} (its float
 * round trip, which lowers about 1 in 10 values by one more, peers.md §3.8, is not reproduced), the mean colour in the
 * padding.
 */
final class GetamCrop {
    static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    static final float[] STD = {0.229f, 0.224f, 0.225f};

    private GetamCrop() {}

    /**
     * @param image [3, S, S] normalised
     * @param ori [3, S, S] 0–255 integers
     * @param valid [S·S] the crop mask (true on image pixels)
     * @param saliency [S·S] the saliency values (0–255, 0 in the padding), or null without a saliency map
     * @param top the valid box: rows {@code top..bottom-1}, columns {@code left..right-1} (the official crop mask is
     *     this rectangle; the dense-CRF loss's ROI)
     */
    record Sample(float[] image, float[] ori, boolean[] valid, float[] saliency, int top, int bottom, int left,
            int right) {}

    /** @param saliency the image's saliency map [h·w] (0–255) at the image's size, or null */
    static Sample apply(RgbImage img, float[] saliency, int crop, SplittableRandom rng) {
        int h = img.height(), w = img.width();
        int lo = (int) (crop * 0.9), hi = (int) (crop / 0.875);
        int target = lo + rng.nextInt(hi - lo + 1);
        int tw, th;
        if (w < h) {
            tw = (int) Math.rint(w * (double) target / h);
            th = target;
        } else {
            tw = target;
            th = (int) Math.rint(h * (double) target / w);
        }
        tw = Math.max(1, tw);
        th = Math.max(1, th);
        float[] planes = new float[3 * h * w];
        byte[] rgb = img.rgb();
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < h * w; i++) {
                planes[c * h * w + i] = rgb[i * 3 + c] & 0xff;
            }
        }
        float[] resized = BilinearUpsample.resize(planes, 3, h, w, th, tw);
        float[] sal = saliency == null ? null : nearest(saliency, h, w, th, tw);
        boolean flip = rng.nextDouble() > 0.5;
        // RandomCrop2: offsets into the container (padding) or into the image
        int wSpace = tw - crop, hSpace = th - crop;
        int contLeft = wSpace > 0 ? 0 : rng.nextInt(-wSpace + 1);
        int imgLeft = wSpace > 0 ? rng.nextInt(wSpace + 1) : 0;
        int contTop = hSpace > 0 ? 0 : rng.nextInt(-hSpace + 1);
        int imgTop = hSpace > 0 ? rng.nextInt(hSpace + 1) : 0;
        int ch = Math.min(crop, th), cw = Math.min(crop, tw), n = crop * crop, tn = th * tw;
        float[] image = new float[3 * n];
        float[] ori = new float[3 * n];
        boolean[] valid = new boolean[n];
        float[] salOut = sal == null ? null : new float[n];
        for (int c = 0; c < 3; c++) {
            float pad = (float) Math.floor((0 * STD[c] + MEAN[c]) * 255.0);
            java.util.Arrays.fill(ori, c * n, (c + 1) * n, pad);
        }
        for (int y = 0; y < ch; y++) {
            for (int x = 0; x < cw; x++) {
                int sy = imgTop + y, sx = imgLeft + x;
                int src = sy * tw + (flip ? tw - 1 - sx : sx);
                int dst = (contTop + y) * crop + contLeft + x;
                valid[dst] = true;
                for (int c = 0; c < 3; c++) {
                    float v = resized[c * tn + src];
                    image[c * n + dst] = (v / 255f - MEAN[c]) / STD[c];
                    ori[c * n + dst] = (float) Math.floor(Math.max(0, Math.min(255, v)));
                }
                if (salOut != null) {
                    salOut[dst] = sal[src];
                }
            }
        }
        return new Sample(image, ori, valid, salOut, contTop, contTop + ch, contLeft, contLeft + cw);
    }

    /** OpenCV's {@code INTER_NEAREST}: source index ⌊i·in/out⌋. */
    static float[] nearest(float[] map, int h, int w, int oh, int ow) {
        float[] out = new float[oh * ow];
        for (int y = 0; y < oh; y++) {
            int sy = Math.min(h - 1, (int) Math.floor(y * (double) h / oh));
            for (int x = 0; x < ow; x++) {
                int sx = Math.min(w - 1, (int) Math.floor(x * (double) w / ow));
                out[y * ow + x] = map[sy * w + sx];
            }
        }
        return out;
    }
}
