package dev.weaktr.cli;

import dev.weaktr.WeaktrException;
import dev.weaktr.data.VocDataset;
import dev.weaktr.nn.VitConfig;
import dev.weaktr.train.Recipe;
import dev.weaktr.seg.SegTrainConfig;
import dev.weaktr.seg.SegTrainer;
import dev.weaktr.seg.SegmenterConfig;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
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

    @Option(names = "--recipe", paramLabel = "official|from-scratch",
            description = "training recipe every flag below starts from: official (WeakTr's) | from-scratch (the cpu-demo "
                    + "ViT, starting from random or --init-from weights). Default: from-scratch for cpu-demo, official otherwise")
    String recipe;

    @Option(names = "--crop", description = "training crop = sliding window size. Default: the recipe's (official 480, "
            + "from-scratch the model's input size, 128 for cpu-demo)")
    Integer crop;

    @Option(names = "--epochs", description = "Default: the recipe's (official 100, from-scratch 12)")
    Integer epochs;

    @Option(names = "--batch", description = "images per step; a batch larger than the split trains with the split's size. "
            + "Default: the recipe's (official 4, from-scratch 8)")
    Integer batch;

    @Option(names = "--lr", description = "Default: the recipe's (official 1e-4, from-scratch 0.01)")
    Double lr;

    @Option(names = "--min-lr", description = "poly floor. Default: 1e-5")
    Double minLr;

    @Option(names = "--momentum", description = "Nesterov momentum. Default: 0.9")
    Double momentum;

    @Option(names = "--weight-decay", description = "Default: 0")
    Double weightDecay;

    @Option(names = "--encoder-lr-scale", description = "Default: 0.1")
    Double encoderLrScale;

    @Option(names = "--start-value", description = "clip gate tau: clipping starts once the batch mean loss is <= tau. Default: 1.2")
    Double startValue;

    @Option(names = "--clip-patch", description = "clip patch size S in px (default crop/4: 120 at 480)")
    Integer clipPatch;

    @Option(names = "--max-grad-norm", description = "clip the global gradient norm (0 = off). Default: the recipe's "
            + "(official 0, from-scratch 1)")
    Double maxGradNorm;

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
        if ((epochs != null && epochs < 1) || (batch != null && batch < 1) || (crop != null && crop < 16)) {
            throw new WeaktrException("--epochs and --batch must be at least 1 and --crop at least 16");
        }
        Recipe preset = Recipe.resolve(recipe, model);
        int size = crop != null ? crop : preset == Recipe.OFFICIAL ? 480 : VitConfig.preset(model).imageSize();
        VitConfig vit = VitConfig.preset(model).withImageSize(size);
        if (depth != null) {
            if (depth < 1) {
                throw new WeaktrException("--depth must be at least 1");
            }
            vit = vit.withDepth(depth);
        }
        int classes = VocDataset.open(data, split).classes().size();
        SegmenterConfig net = SegmenterConfig.of(vit, classes);
        SegTrainConfig.Builder b = SegTrainConfig.preset(preset, size).gradientClip(decoder.equals("gradient-clip")).seed(seed);
        Optional.ofNullable(epochs).ifPresent(b::epochs);
        Optional.ofNullable(batch).ifPresent(b::batch);
        Optional.ofNullable(lr).ifPresent(b::lr);
        Optional.ofNullable(minLr).ifPresent(b::minLr);
        Optional.ofNullable(momentum).ifPresent(b::momentum);
        Optional.ofNullable(weightDecay).ifPresent(b::weightDecay);
        Optional.ofNullable(encoderLrScale).ifPresent(b::encoderLrScale);
        Optional.ofNullable(startValue).ifPresent(b::startValue);
        Optional.ofNullable(clipPatch).ifPresent(b::clipPatch);
        Optional.ofNullable(maxGradNorm).ifPresent(b::maxGradNorm);
        SegTrainConfig cfg = b.build();
        System.out.printf(Locale.ROOT, "retrain: %s encoder, %s recipe, %s decoder, %d classes, crop %d, %d epochs x batch %d, "
                        + "lr %.2g, seed %d -> %s%n", vit.name(), preset.cliName(), decoder, classes, size, cfg.epochs(),
                cfg.batch(), cfg.lr(), seed, out);
        if (initFrom != null && java.nio.file.Files.isRegularFile(initFrom.resolve("run.json"))) {
            dev.weaktr.io.Manifests.requireMethod(initFrom, dev.weaktr.io.Manifests.WEAKTR, "retrain --init-from");
        }
        SegTrainer.Init init = new SegTrainer.Init(dev.weaktr.weights.PretrainedSource.resolve(pretrained), strict, initFrom);
        SegTrainer.Result r = new SegTrainer(System.out).validate(validation.segPlan(data, split, out)).train(data, split, seeds, out, net, cfg, init, device.resolve(), resume);
        System.out.printf(Locale.ROOT, "done: %d epochs, last epoch mean loss %.4f, kept %.1f %% of pixels, %.1f s -> %s%n",
                r.epochs(), r.lastLoss(), 100 * r.keptFraction(), r.seconds(), r.run());
        return 0;
    }
}
