package dev.weaktr.semformer;

import dev.weaktr.WeaktrException;

/**
 * One SemFormer training stage's recipe (train_caae.py / train_semformer.py defaults; peers.md §4.1–4.2).
 *
 * @param stage {@code caae} or {@code seg}
 * @param model {@code official} (DeiT-B-distilled CAAE at 224, DeiT-S segmentor at 448) or {@code cpu-demo}
 * @param epochs passes over the split (official: 200 for the CAAE, 20 for the segmentor)
 * @param batch images per step (official: 64 and 8); steps per epoch = ⌊images / batch⌋ (drop_last), at least 1
 * @param crop training crop (official: 224 for the CAAE — its input size — and 448 for the segmentor)
 * @param lr base learning rate (official: 0.025 and 0.005); groups ×1 / ×2 / ×10 / ×20, see {@link SemFormerRecipe}
 * @param weightDecay on weights only (5e-4)
 * @param seed every random choice
 */
public record SemFormerTrainConfig(String stage, String model, int epochs, int batch, int crop, double lr,
        double weightDecay, long seed) {
    public static final String CAAE = "caae";
    public static final String SEG = "seg";

    public SemFormerTrainConfig {
        if (!stage.equals(CAAE) && !stage.equals(SEG)) {
            throw new WeaktrException("--stage " + stage + ": expected caae or seg");
        }
        if (!model.equals("official") && !model.equals("cpu-demo")) {
            throw new WeaktrException("--model " + model + ": SemFormer knows official and cpu-demo");
        }
        if (epochs < 1 || batch < 1) {
            throw new WeaktrException("--epochs and --batch must be at least 1");
        }
        if (crop < 16 || crop % 16 != 0) {
            throw new WeaktrException("--crop " + crop + ": SemFormer needs a multiple of 16");
        }
    }

    /** The official recipe of {@code stage} for {@code model} (the cpu-demo crops are 128). */
    public static SemFormerTrainConfig official(String stage, String model, long seed) {
        boolean demo = model.equals("cpu-demo");
        return stage.equals(CAAE)
                ? new SemFormerTrainConfig(stage, model, 200, 64, demo ? 128 : 224, 0.025, 5e-4, seed)
                : new SemFormerTrainConfig(stage, model, 20, 8, demo ? 128 : 448, 0.005, 5e-4, seed);
    }

    public SemFormerTrainConfig with(Integer newEpochs, Integer newBatch, Integer newCrop, Double newLr) {
        return new SemFormerTrainConfig(stage, model, newEpochs == null ? epochs : newEpochs,
                newBatch == null ? batch : newBatch, newCrop == null ? crop : newCrop, newLr == null ? lr : newLr,
                weightDecay, seed);
    }

    /** The CAAE shape of this model for K classes (the CAAE stage's input size is the crop). */
    public CaaeConfig caae(int classes) {
        CaaeConfig c = model.equals("cpu-demo") ? CaaeConfig.cpuDemo(classes) : CaaeConfig.official(classes);
        return stage.equals(CAAE) ? new CaaeConfig(c.encoder().withImageSize(crop), c.classes(), c.classDim(),
                c.decoderWidth(), c.decoderDepth(), c.decoderHeads()) : c;
    }
}
