package dev.weaktr.semformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.nn.BilinearResize;
import dev.weaktr.nn.Ops;
import java.util.ArrayList;
import java.util.List;

/**
 * SemFormer's stage-2 objective (paper §3.2, eq. 5–9; peers.md §4.2; {@code SemFormer.forward_train} and
 * train_semformer.py): the masks m = sigmoid(upsample(mask logits)) gate the AE-sized image, and the frozen CAAE
 * judges the gated images. Gradients flow through the CAAE (its tensors are not trained) into m.
 *
 * <p>For every present (image, class k) pair, background included, the foreground image X⊙m_k and the background
 * image X⊙(1 − m_k) go through the CAAE encoder:
 *
 * <ul>
 *   <li>CF (class foreground, eq. 6): ((1 − mean cos(CRE^fg_k, CRS_k)) + (1 + mean cos(CRE^fg_j, CRS_j), j ≠ k
 *       present)) / 2;
 *   <li>CB (class background, eq. 7): ((1 − mean cos(CRE^bg_j, CRS_j), j ≠ k present) + (1 + mean
 *       cos(CRE^bg_k, CRS_k))) / 2;
 *   <li>SS (eq. 5): BCE(cos(segmentor CRE_k, CRS_k), y⁺);
 *   <li>AS (activation suppression, eq. 8): mean of the foreground masks (present and absent classes) + 1 − mean of
 *       the background mask;
 *   <li>AC (activation complementation, eq. 9): per image and present class c with other present classes O,
 *       Σ_valid (m_c + max_{o∈O} m_o − 1)², over the valid-pixel count of all such (image, c).
 * </ul>
 *
 * <p>Quirks of the official code followed: each "mean" is {@code nanmean} pooled over all pairs of the batch (not
 * per image) and an empty set counts 0; AS averages over every pixel including the masked-out padding; AC's
 * normaliser adds an image's valid-pixel count once per qualifying class; total = SS + CF + CB + 0.075·AS + AC.
 */
public final class SemFormerLoss {
    private SemFormerLoss() {}

    /** Loss weights (train_semformer.py defaults: all 1 except AS = 0.075). */
    public record Weights(double ss, double cf, double cb, double as, double ac) {
        public static final Weights OFFICIAL = new Weights(1, 1, 1, 0.075, 1);
    }

    /** The five terms and the weighted total (0-d tensors). */
    public record Terms(NDArray ss, NDArray cf, NDArray cb, NDArray as, NDArray ac, NDArray total) {}

    /**
     * Everything one step computes.
     *
     * @param masks [B, K, A, A] sigmoid masks at the AE size, zero outside the valid crop
     * @param segSimilarity [B, K] cos(segmentor CRE, CRS)
     * @param pairs the present (image, class) pairs in row-major order, each {@code {b, k}}
     * @param fgSimilarity [P, K] cos(CAAE CRE of X⊙m_pair, CRS) for every class
     * @param bgSimilarity [P, K] the same for X⊙(1 − m_pair)
     */
    public record Result(Terms terms, NDArray masks, NDArray segSimilarity, List<int[]> pairs, NDArray fgSimilarity,
            NDArray bgSimilarity) {}

    /**
     * @param out the segmentor's training forward
     * @param caae the frozen CAAE (its {@link dev.weaktr.nn.Parameters} not trainable)
     * @param aeImages [B, 3, A, A] the crop resized to the AE size (bilinear, align_corners True)
     * @param labels [B][K] in {0, 1}, background (index 0) = 1
     * @param valid [B, 1, A, A] 1 inside the image's crop box scaled to the AE size, else 0; {@code null} = all valid
     */
    public static Result compute(SemFormerNet.Output out, ClassAwareAutoEncoder caae, NDArray aeImages, float[][] labels,
            NDArray valid, Weights w) {
        int a = (int) aeImages.getShape().get(2), aw = (int) aeImages.getShape().get(3);
        int bs = labels.length, k = labels[0].length;
        // masks are upsampled to the AE size before the sigmoid (peers.md §4.2)
        NDArray masks = BilinearResize.resize(out.logits(), a, aw, true).getNDArrayInternal().sigmoid();
        if (valid != null) {
            masks = masks.mul(valid);
        }
        List<int[]> pairs = new ArrayList<>();
        for (int b = 0; b < bs; b++) {
            for (int c = 0; c < k; c++) {
                if (labels[b][c] > 0) {
                    pairs.add(new int[] {b, c});
                }
            }
        }
        int np = pairs.size();
        NDList fg = new NDList(np), bg = new NDList(np);
        float[] pull = new float[np * k], push = new float[np * k];
        NDArray one = Ops.scalar(masks, 1);
        for (int i = 0; i < np; i++) {
            int b = pairs.get(i)[0], c = pairs.get(i)[1];
            NDArray image = aeImages.get(b); // [3, A, A]
            NDArray m = masks.get(new NDIndex("{}, {}:{}", b, c, c + 1)); // [1, A, A]
            fg.add(image.mul(m));
            bg.add(image.mul(one.sub(m)));
            pull[i * k + c] = 1;
            for (int j = 0; j < k; j++) {
                push[i * k + j] = j != c && labels[b][j] > 0 ? 1 : 0;
            }
        }
        NDArray crs = caae.crs().expandDims(0); // [1, K, E]
        NDArray fgSim = ClassAwareAutoEncoder.cosine(caae.cre(NDArrays.stack(fg)), crs); // [P, K]
        NDArray bgSim = ClassAwareAutoEncoder.cosine(caae.cre(NDArrays.stack(bg)), crs);
        NDArray pullMask = masks.getManager().create(pull, new Shape(np, k)).toType(masks.getDataType(), false);
        NDArray pushMask = masks.getManager().create(push, new Shape(np, k)).toType(masks.getDataType(), false);
        NDArray cf = pairLoss(maskedMean(fgSim, pullMask), maskedMean(fgSim, pushMask));
        NDArray cb = pairLoss(maskedMean(bgSim, pushMask), maskedMean(bgSim, pullMask));

        float[] flat = new float[bs * k];
        for (int b = 0; b < bs; b++) {
            System.arraycopy(labels[b], 0, flat, b * k, k);
        }
        NDArray y = masks.getManager().create(flat, new Shape(bs, k)).toType(masks.getDataType(), false);
        NDArray segSim = ClassAwareAutoEncoder.cosine(out.classEmbeddings(), crs);
        NDArray ss = CaaeLoss.binaryCrossEntropy(segSim, y);
        NDArray as = activationSuppression(masks);
        NDArray ac = activationComplementation(masks, labels, valid);
        NDArray total = ss.mul(Ops.scalar(ss, w.ss())).add(cf.mul(Ops.scalar(cf, w.cf())))
                .add(cb.mul(Ops.scalar(cb, w.cb()))).add(as.mul(Ops.scalar(as, w.as())))
                .add(ac.mul(Ops.scalar(ac, w.ac())));
        return new Result(new Terms(ss, cf, cb, as, ac, total), masks, segSim, pairs, fgSim, bgSim);
    }

    /** ((1 − pull) + (1 + push)) / 2. */
    private static NDArray pairLoss(NDArray pull, NDArray push) {
        NDArray one = Ops.scalar(pull, 1);
        return one.sub(pull).add(one.add(push)).div(Ops.scalar(pull, 2));
    }

    /** The mean of the entries where {@code mask} = 1 (the official nanmean of a boolean selection); 0 when none. */
    static NDArray maskedMean(NDArray values, NDArray mask) {
        float count = mask.sum().getFloat();
        if (count == 0) {
            return values.getManager().zeros(new Shape(), values.getDataType());
        }
        return values.mul(mask).sum().div(Ops.scalar(values, count));
    }

    /** AS (eq. 8): mean(m[:, 1:]) + 1 − mean(m[:, 0]), over every pixel. */
    static NDArray activationSuppression(NDArray masks) {
        NDArray fgMean = masks.get(new NDIndex(":, 1:")).mean();
        NDArray bgMean = masks.get(new NDIndex(":, 0")).mean();
        return fgMean.add(Ops.scalar(bgMean, 1)).sub(bgMean);
    }

    /** AC (eq. 9) as {@code cal_act_cplt_loss}: squared (m_c + max_others − 1) over valid pixels, see the class doc. */
    static NDArray activationComplementation(NDArray masks, float[][] labels, NDArray valid) {
        long h = masks.getShape().get(2), w = masks.getShape().get(3);
        NDArray sum = null;
        double normaliser = 0;
        for (int b = 0; b < labels.length; b++) {
            List<Integer> present = new ArrayList<>();
            for (int c = 0; c < labels[b].length; c++) {
                if (labels[b][c] > 0) {
                    present.add(c);
                }
            }
            if (present.size() < 2) {
                continue;
            }
            NDArray v = valid == null ? null : valid.get(b).squeeze(0); // [A, A]
            double validCount = v == null ? h * w : v.sum().getFloat();
            for (int c : present) {
                NDArray maxOthers = null;
                for (int o : present) {
                    if (o != c) {
                        NDArray mo = masks.get(b, o);
                        maxOthers = maxOthers == null ? mo : maxOthers.maximum(mo);
                    }
                }
                NDArray d = masks.get(b, c).add(maxOthers).sub(Ops.scalar(maxOthers, 1)).square();
                NDArray term = (v == null ? d : d.mul(v)).sum();
                sum = sum == null ? term : sum.add(term);
                normaliser += validCount;
            }
        }
        if (sum == null || normaliser == 0) {
            return masks.getManager().zeros(new Shape(), masks.getDataType());
        }
        return sum.div(Ops.scalar(sum, normaliser));
    }
}
