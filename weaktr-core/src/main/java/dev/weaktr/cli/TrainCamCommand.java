package dev.weaktr.cli;

import dev.weaktr.WeaktrException;
import dev.weaktr.cam.AafConfig;
import dev.weaktr.cam.AttentionFusion;
import dev.weaktr.cam.CamNetConfig;
import dev.weaktr.cam.CamTrainConfig;
import dev.weaktr.cam.CamTrainer;
import dev.weaktr.data.VocDataset;
import dev.weaktr.nn.VitConfig;
import dev.weaktr.train.Recipe;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train-cam", mixinStandardHelpOptions = true,
        description = "Train WeakTr's CAM network (phase 1) from image-level labels; writes RUN/{run.json,checkpoint.safetensors,log.jsonl}.")
final class TrainCamCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "dataset root (PASCAL VOC layout)")
    Path data;

    @Option(names = "--out", required = true, description = "run folder to write")
    Path out;

    @Option(names = "--split", defaultValue = "train", description = "training split (ImageSets/Segmentation/<split>.txt). Default: ${DEFAULT-VALUE}")
    String split;

    @Option(names = "--model", defaultValue = "deit-small", description = "cpu-demo | deit-tiny | deit-small. Default: ${DEFAULT-VALUE}")
    String model;

    @Option(names = "--fusion", defaultValue = "aaf", description = "aaf (paper, pools attention maps) | aaf-feat (newest code, pools attention features) | aaf-rand (a fixed random query through the head FFN, Tab. 4 \"rand. fixed W\") | mean-sum (MCTformer baseline). Default: ${DEFAULT-VALUE}")
    String fusion;

    @Option(names = "--aaf-pool", defaultValue = "avg", description = "AAF pooling: avg (paper) | max (official docs). Default: ${DEFAULT-VALUE}")
    String aafPool;

    @Option(names = "--aaf-reduction", defaultValue = "4", description = "AAF head-FFN reduction r (hidden = L*H/r). Default: ${DEFAULT-VALUE}")
    double aafReduction;

    @Option(names = "--recipe", paramLabel = "official|from-scratch",
            description = "training recipe every flag below starts from: official (WeakTr's DeiT-S recipe) | from-scratch "
                    + "(the cpu-demo ViT from random weights). Default: from-scratch for cpu-demo, official otherwise")
    String recipe;

    @Option(names = "--epochs", description = "Default: the recipe's (official 60, from-scratch 20)")
    Integer epochs;

    @Option(names = "--batch", description = "images per step; a batch larger than the split trains with the split's size. "
            + "Default: the recipe's (official 64, from-scratch 8)")
    Integer batch;

    @Option(names = "--lr", description = "base lr; the effective lr is lr*batch/512 (official rule). Default: the recipe's "
            + "(official 4e-4, from-scratch 0.016)")
    Double lr;

    @Option(names = "--warmup-epochs", description = "Default: the recipe's (official 5, from-scratch 0)")
    Integer warmupEpochs;

    @Option(names = "--warmup-lr", description = "Default: 1e-6")
    Double warmupLr;

    @Option(names = "--min-lr", description = "Default: 1e-5")
    Double minLr;

    @Option(names = "--weight-decay", description = "Default: 0.05")
    Double weightDecay;

    @Option(names = "--crop", description = "training crop size in px (default: the preset's input size, 224 for DeiT)")
    Integer crop;

    @Option(names = "--scale-min", description = "RandomResizedCrop minimum area fraction. Default: the recipe's "
            + "(official 0.08, from-scratch 0.5)")
    Double scaleMin;

    @Option(names = "--max-grad-norm", description = "clip the global gradient norm (0 = off). Default: the recipe's "
            + "(official 0, from-scratch 1)")
    Double maxGradNorm;

    @Option(names = "--score-pool", description = "pooling of the coarse CAM into the class score: gap (official, the mean "
            + "of all patches) | topk (the mean of the top 10 %% of patches; for single-class data with distractors). Default: gap")
    String scorePool;

    @Option(names = "--seed", defaultValue = "0", description = "Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--resume", description = "continue the run in --out from its last checkpoint")
    boolean resume;

    @Option(names = "--pretrained", description = "weights to start from: a file (timm names; safetensors or PyTorch .pth/.pt), a name fetched by 'weaktr weights get', or builtin:cpu-demo")
    Path pretrained;

    @Option(names = "--strict", description = "with --pretrained: fail on any missing or unexpected backbone key (shape mismatches always fail)")
    boolean strict;

    @Mixin
    ValidationOptions validation;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() {
        if (strict && pretrained == null) {
            throw new WeaktrException("--strict applies to --pretrained FILE; give the weights file too");
        }
        if (!AttentionFusion.NAMES.contains(fusion)) {
            throw new WeaktrException("unknown --fusion '" + fusion + "'; expected one of " + AttentionFusion.NAMES);
        }
        if ((epochs != null && epochs < 1) || (batch != null && batch < 1)) {
            throw new WeaktrException("--epochs and --batch must be at least 1");
        }
        VitConfig vit = VitConfig.preset(model);
        Recipe preset = Recipe.resolve(recipe, model);
        int size = crop == null ? vit.imageSize() : crop;
        int classes = VocDataset.open(data, split).classes().numForeground();
        CamNetConfig net = new CamNetConfig(vit, classes, fusion, new AafConfig(aafReduction, 8, aafPool));
        CamTrainConfig.Builder b = CamTrainConfig.preset(preset, size).seed(seed);
        Optional.ofNullable(epochs).ifPresent(b::epochs);
        Optional.ofNullable(batch).ifPresent(b::batch);
        Optional.ofNullable(lr).ifPresent(b::lr);
        Optional.ofNullable(warmupEpochs).ifPresent(b::warmupEpochs);
        Optional.ofNullable(warmupLr).ifPresent(b::warmupLr);
        Optional.ofNullable(minLr).ifPresent(b::minLr);
        Optional.ofNullable(weightDecay).ifPresent(b::weightDecay);
        Optional.ofNullable(scaleMin).ifPresent(v -> b.augment(b.augment().withScaleMin(v)));
        Optional.ofNullable(maxGradNorm).ifPresent(b::maxGradNorm);
        Optional.ofNullable(scorePool).ifPresent(b::scorePool);
        CamTrainConfig cfg = b.build();
        System.out.printf(Locale.ROOT, "train-cam: %s, %s recipe, fusion %s, %d classes, %d epochs x batch %d, effective lr %.3g, "
                        + "crop %d, seed %d -> %s%n", vit.name(), preset.cliName(), fusion, classes, cfg.epochs(), cfg.batch(),
                cfg.effectiveLr(), size, seed, out);
        CamTrainer.Result r = new CamTrainer(System.out).validate(validation.camPlan(data, split))
                .train(data, split, out, net, cfg, device.resolve(), resume,
                pretrained == null ? null : new CamTrainer.Pretrained(dev.weaktr.weights.PretrainedSource.resolve(pretrained), strict));
        System.out.printf(Locale.ROOT, "done: %d epochs, last epoch mean loss %.4f, %.1f s -> %s%n",
                r.epochs(), r.lastLoss(), r.seconds(), r.run());
        return 0;
    }
}
