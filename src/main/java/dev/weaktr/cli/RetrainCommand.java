package dev.weaktr.cli;

import dev.weaktr.WeaktrException;
import dev.weaktr.data.VocDataset;
import dev.weaktr.nn.VitConfig;
import dev.weaktr.seg.SegAugmentConfig;
import dev.weaktr.seg.SegTrainConfig;
import dev.weaktr.seg.SegTrainer;
import dev.weaktr.seg.SegmenterConfig;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "retrain", mixinStandardHelpOptions = true,
        description = "Online retraining (phase 2): train a Segmenter with the gradient clipping decoder on CAM seeds; writes RUN2/{run.json,checkpoint.safetensors,log.jsonl}.")
final class RetrainCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "dataset root (images; masks are not read)")
    Path data;

    @Option(names = "--seeds", required = true, description = "seed masks folder (from 'weaktr seeds' or 'segment --pseudo')")
    Path seeds;

    @Option(names = "--out", required = true, description = "run folder to write")
    Path out;

    @Option(names = "--split", defaultValue = "train", description = "training split. Default: ${DEFAULT-VALUE}")
    String split;

    @Option(names = {"--encoder", "--model"}, defaultValue = "deit-small",
            description = "encoder: deit-small | vit-small | dinov2-small | eva02-small | eva02-tiny | deit-tiny | cpu-demo"
                    + " (its input normalisation is recorded in run.json). Default: ${DEFAULT-VALUE}")
    String model;

    @Option(names = "--depth", description = "encoder blocks (default: the preset's 12; fewer for smoke runs)")
    Integer depth;

    @Option(names = "--decoder", defaultValue = "gradient-clip", description = "gradient-clip (WeakTr) | naive (plain mean CE). Default: ${DEFAULT-VALUE}")
    String decoder;

    @Option(names = "--crop", defaultValue = "480", description = "training crop = sliding window size. Default: ${DEFAULT-VALUE}")
    int crop;

    @Option(names = "--epochs", defaultValue = "100", description = "Default: ${DEFAULT-VALUE}")
    int epochs;

    @Option(names = "--batch", defaultValue = "4", description = "Default: ${DEFAULT-VALUE}")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-4", description = "Default: ${DEFAULT-VALUE}")
    double lr;

    @Option(names = "--min-lr", defaultValue = "1e-5", description = "poly floor. Default: ${DEFAULT-VALUE}")
    double minLr;

    @Option(names = "--momentum", defaultValue = "0.9", description = "Nesterov momentum. Default: ${DEFAULT-VALUE}")
    double momentum;

    @Option(names = "--weight-decay", defaultValue = "0", description = "Default: ${DEFAULT-VALUE}")
    double weightDecay;

    @Option(names = "--encoder-lr-scale", defaultValue = "0.1", description = "Default: ${DEFAULT-VALUE}")
    double encoderLrScale;

    @Option(names = "--start-value", defaultValue = "1.2", description = "clip gate tau: clipping starts once the batch mean loss is <= tau. Default: ${DEFAULT-VALUE}")
    double startValue;

    @Option(names = "--clip-patch", description = "clip patch size S in px (default crop/4: 120 at 480)")
    Integer clipPatch;

    @Option(names = "--max-grad-norm", defaultValue = "0", description = "clip the global gradient norm (0 = off, the official recipe). Default: ${DEFAULT-VALUE}")
    double maxGradNorm;

    @Option(names = "--seed", defaultValue = "0", description = "Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--init-from", description = "start the encoder from this CAM run's backbone (weaktr train-cam output)")
    Path initFrom;

    @Option(names = "--pretrained", description = "the encoder's published weights: DeiT (timm names), AugReg ViT-S .npz, "
            + "dinov2_vits14_pretrain.pth, eva02_*_pt_in21k_p14.pt, or timm's safetensors of the same (docs/encoders.md)")
    Path pretrained;

    @Option(names = "--strict", description = "with --pretrained: fail on missing or unexpected keys")
    boolean strict;

    @Option(names = "--resume", description = "continue the run in --out from its last checkpoint")
    boolean resume;

    @Mixin
    ValidationOptions validation;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() {
        if (!decoder.equals("gradient-clip") && !decoder.equals("naive")) {
            throw new WeaktrException("unknown --decoder '" + decoder + "'; expected gradient-clip or naive");
        }
        if (strict && pretrained == null) {
            throw new WeaktrException("--strict only applies with --pretrained FILE");
        }
        if (epochs < 1 || batch < 1 || crop < 16) {
            throw new WeaktrException("--epochs and --batch must be at least 1 and --crop at least 16");
        }
        VitConfig vit = VitConfig.preset(model).withImageSize(crop);
        if (depth != null) {
            if (depth < 1) {
                throw new WeaktrException("--depth must be at least 1");
            }
            vit = vit.withDepth(depth);
        }
        int classes = VocDataset.open(data, split).classes().size();
        SegmenterConfig net = SegmenterConfig.of(vit, classes);
        SegAugmentConfig aug = SegAugmentConfig.official(crop);
        SegTrainConfig cfg = new SegTrainConfig(epochs, batch, lr, minLr, 0.9, momentum, weightDecay, encoderLrScale,
                decoder.equals("gradient-clip"), startValue, clipPatch == null ? Math.max(1, crop / 4) : clipPatch, seed, aug, maxGradNorm);
        System.out.printf(Locale.ROOT, "retrain: %s encoder, %s decoder, %d classes, crop %d, %d epochs x batch %d, lr %.2g, seed %d -> %s%n",
                vit.name(), decoder, classes, crop, epochs, batch, lr, seed, out);
        SegTrainer.Init init = new SegTrainer.Init(dev.weaktr.weights.PretrainedSource.resolve(pretrained), strict, initFrom);
        SegTrainer.Result r = new SegTrainer(System.out).validate(validation.segPlan(data, split, out)).train(data, split, seeds, out, net, cfg, init, device.resolve(), resume);
        System.out.printf(Locale.ROOT, "done: %d epochs, last epoch mean loss %.4f, kept %.1f %% of pixels, %.1f s -> %s%n",
                r.epochs(), r.lastLoss(), 100 * r.keptFraction(), r.seconds(), r.run());
        return 0;
    }
}
