package dev.weaktr.pretrain;

import dev.weaktr.WeaktrException;
import dev.weaktr.nn.VitConfig;

/**
 * A DINO pretraining recipe. Defaults ({@link #defaults}) follow the published ViT-S/16 recipe where it fits a CPU:
 * lr 5e-4 · batch/256 with 10 warm-up epochs and cosine decay to 1e-6, weight decay cosine 0.04 → 0.4 (not on biases
 * and norms), teacher momentum cosine 0.996 → 1, teacher temperature 0.04 (warm-up 0.04 → 0.04 over 30 epochs),
 * student temperature 0.1, centre momentum 0.9, per-parameter gradient clipping at 3.0, last layer frozen for the
 * first epoch, drop path 0.1; fewer prototypes (4096 instead of 65536) and smaller crops.
 *
 * @param model the backbone (its image size is the global view size)
 * @param head DINO head sizes
 * @param crops multi-crop views
 */
public record PretrainConfig(VitConfig model, DinoHead.Config head, MultiCrop crops, int epochs, int batch, double lr,
        double minLr, int warmupEpochs, double weightDecay, double weightDecayEnd, double momentumTeacher,
        double teacherTemp, double warmupTeacherTemp, int warmupTeacherTempEpochs, double studentTemp,
        double centerMomentum, double clipGrad, int freezeLastLayerEpochs, long seed) {

    public PretrainConfig {
        if (epochs < 1 || batch < 2) {
            throw new WeaktrException("--epochs must be at least 1 and --batch at least 2");
        }
        if (crops.globalSize() % model.patch() != 0 || crops.localSize() % model.patch() != 0) {
            throw new WeaktrException("crop sizes " + crops.globalSize() + "/" + crops.localSize() + " must be multiples of the patch "
                    + model.patch());
        }
    }

    /** The recipe for {@code model} with global views of the model's image size and local views of 3/8 of it. */
    public static PretrainConfig defaults(VitConfig model, int epochs, int batch, long seed) {
        int global = model.imageSize();
        int local = Math.max(model.patch(), (int) Math.round(global * 96.0 / 224 / model.patch()) * model.patch());
        return new PretrainConfig(model.withImageSize(global), new DinoHead.Config(2048, 256, 4096),
                new MultiCrop(global, local, 6, 0.4), epochs, batch, 5e-4, 1e-6, Math.min(10, Math.max(0, epochs / 10)),
                0.04, 0.4, 0.996, 0.04, 0.04, Math.min(30, epochs), 0.1, 0.9, 3.0, 1, seed);
    }

    /** The learning rate DINO scales linearly with the batch: lr · batch / 256. */
    public double effectiveLr() {
        return lr * batch / 256.0;
    }

    public int views() {
        return 2 + crops.localCrops();
    }

    public PretrainConfig withCrops(MultiCrop c) {
        return new PretrainConfig(model, head, c, epochs, batch, lr, minLr, warmupEpochs, weightDecay, weightDecayEnd,
                momentumTeacher, teacherTemp, warmupTeacherTemp, warmupTeacherTempEpochs, studentTemp, centerMomentum, clipGrad,
                freezeLastLayerEpochs, seed);
    }

    public PretrainConfig withHead(DinoHead.Config h) {
        return new PretrainConfig(model, h, crops, epochs, batch, lr, minLr, warmupEpochs, weightDecay, weightDecayEnd,
                momentumTeacher, teacherTemp, warmupTeacherTemp, warmupTeacherTempEpochs, studentTemp, centerMomentum, clipGrad,
                freezeLastLayerEpochs, seed);
    }

    public PretrainConfig withLr(double baseLr, int warmup) {
        return new PretrainConfig(model, head, crops, epochs, batch, baseLr, minLr, warmup, weightDecay, weightDecayEnd,
                momentumTeacher, teacherTemp, warmupTeacherTemp, warmupTeacherTempEpochs, studentTemp, centerMomentum, clipGrad,
                freezeLastLayerEpochs, seed);
    }

    public PretrainConfig withTeacher(double momentum, double temp) {
        return new PretrainConfig(model, head, crops, epochs, batch, lr, minLr, warmupEpochs, weightDecay, weightDecayEnd,
                momentum, temp, Math.min(warmupTeacherTemp, temp), warmupTeacherTempEpochs, studentTemp, centerMomentum, clipGrad,
                freezeLastLayerEpochs, seed);
    }
}
