package dev.weaktr.cli;

import dev.weaktr.WeaktrException;
import dev.weaktr.cam.AafConfig;
import dev.weaktr.cam.AttentionFusion;
import dev.weaktr.cam.CamNetConfig;
import dev.weaktr.cam.CamTrainConfig;
import dev.weaktr.cam.CamTrainer;
import dev.weaktr.data.AugmentConfig;
import dev.weaktr.data.VocDataset;
import dev.weaktr.nn.VitConfig;
import java.nio.file.Path;
import java.util.Locale;
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

    @Option(names = "--epochs", defaultValue = "60", description = "Default: ${DEFAULT-VALUE}")
    int epochs;

    @Option(names = "--batch", defaultValue = "64", description = "Default: ${DEFAULT-VALUE}")
    int batch;

    @Option(names = "--lr", defaultValue = "4e-4", description = "base lr; the effective lr is lr*batch/512 (official rule). Default: ${DEFAULT-VALUE}")
    double lr;

    @Option(names = "--warmup-epochs", defaultValue = "5", description = "Default: ${DEFAULT-VALUE}")
    int warmupEpochs;

    @Option(names = "--warmup-lr", defaultValue = "1e-6", description = "Default: ${DEFAULT-VALUE}")
    double warmupLr;

    @Option(names = "--min-lr", defaultValue = "1e-5", description = "Default: ${DEFAULT-VALUE}")
    double minLr;

    @Option(names = "--weight-decay", defaultValue = "0.05", description = "Default: ${DEFAULT-VALUE}")
    double weightDecay;

    @Option(names = "--crop", description = "training crop size in px (default: the preset's input size, 224 for DeiT)")
    Integer crop;

    @Option(names = "--scale-min", defaultValue = "0.08", description = "RandomResizedCrop minimum area fraction. Default: ${DEFAULT-VALUE}")
    double scaleMin;

    @Option(names = "--max-grad-norm", defaultValue = "0", description = "clip the global gradient norm (0 = off, the official recipe). Default: ${DEFAULT-VALUE}")
    double maxGradNorm;

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
        if (epochs < 1 || batch < 1) {
            throw new WeaktrException("--epochs and --batch must be at least 1");
        }
        VitConfig vit = VitConfig.preset(model);
        int size = crop == null ? vit.imageSize() : crop;
        int classes = VocDataset.open(data, split).classes().numForeground();
        CamNetConfig net = new CamNetConfig(vit, classes, fusion, new AafConfig(aafReduction, 8, aafPool));
        AugmentConfig aug = new AugmentConfig(size, scaleMin, 1.0, 3.0 / 4, 4.0 / 3, 0.5, 0.4, 0.4, 0.4);
        CamTrainConfig cfg = new CamTrainConfig(epochs, batch, lr, warmupLr, minLr, warmupEpochs, weightDecay, seed, aug, maxGradNorm);
        System.out.printf(Locale.ROOT, "train-cam: %s, fusion %s, %d classes, %d epochs x batch %d, effective lr %.3g, crop %d, seed %d -> %s%n",
                vit.name(), fusion, classes, epochs, batch, cfg.effectiveLr(), size, seed, out);
        CamTrainer.Result r = new CamTrainer(System.out).validate(validation.camPlan(data, split)).train(data, split, out, net, cfg, device.resolve(), resume,
                pretrained == null ? null : new CamTrainer.Pretrained(dev.weaktr.weights.PretrainedSource.resolve(pretrained), strict));
        System.out.printf(Locale.ROOT, "done: %d epochs, last epoch mean loss %.4f, %.1f s -> %s%n",
                r.epochs(), r.lastLoss(), r.seconds(), r.run());
        return 0;
    }
}
