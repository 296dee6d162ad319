package dev.weaktr.cli;

import dev.weaktr.WeaktrException;
import dev.weaktr.nn.VitConfig;
import dev.weaktr.pretrain.DinoHead;
import dev.weaktr.pretrain.DinoPretrainer;
import dev.weaktr.pretrain.ImageSource;
import dev.weaktr.pretrain.MultiCrop;
import dev.weaktr.pretrain.PretrainConfig;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = "Pretrain a ViT backbone without labels (DINO self-distillation with multi-crop) on your images and/or a generated corpus; "
                + "writes RUN/{run.json,checkpoint.safetensors,log.jsonl,backbone.safetensors}. Then: train-cam/retrain --pretrained RUN/backbone.safetensors.")
final class PretrainCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "run folder to write")
    Path out;

    @Option(names = "--images", description = "a folder of unlabelled images (.jpg/.png, searched recursively)")
    Path images;

    @Option(names = "--corpus", defaultValue = "0", description = "also use this many images of the generated corpus (rendered on the fly). Default: ${DEFAULT-VALUE}")
    int corpus;

    @Option(names = "--corpus-seed", defaultValue = "0", description = "seed of the generated corpus. Default: ${DEFAULT-VALUE}")
    long corpusSeed;

    @Option(names = "--model", defaultValue = "cpu-demo", description = "cpu-demo | deit-tiny | deit-small. Default: ${DEFAULT-VALUE}")
    String model;

    @Option(names = "--global-size", description = "global view size in px (default: the model's input size, 128 for cpu-demo)")
    Integer globalSize;

    @Option(names = "--local-size", description = "local view size in px (default: 96/224 of the global size, a multiple of the patch)")
    Integer localSize;

    @Option(names = "--local-crops", defaultValue = "6", description = "local views per image. Default: ${DEFAULT-VALUE}")
    int localCrops;

    @Option(names = "--epochs", defaultValue = "100", description = "Default: ${DEFAULT-VALUE}")
    int epochs;

    @Option(names = "--batch", defaultValue = "64", description = "Default: ${DEFAULT-VALUE}")
    int batch;

    @Option(names = "--lr", defaultValue = "5e-4", description = "base lr; the effective lr is lr*batch/256 (DINO's rule). Default: ${DEFAULT-VALUE}")
    double lr;

    @Option(names = "--warmup-epochs", description = "lr warm-up epochs (default: min(10, epochs/10))")
    Integer warmupEpochs;

    @Option(names = "--out-dim", defaultValue = "4096", description = "DINO head prototypes K. Default: ${DEFAULT-VALUE}")
    int outDim;

    @Option(names = "--head-hidden", defaultValue = "2048", description = "DINO head MLP width. Default: ${DEFAULT-VALUE}")
    int headHidden;

    @Option(names = "--teacher-temp", defaultValue = "0.04", description = "Default: ${DEFAULT-VALUE}")
    double teacherTemp;

    @Option(names = "--momentum-teacher", defaultValue = "0.996", description = "Default: ${DEFAULT-VALUE}")
    double momentumTeacher;

    @Option(names = "--seed", defaultValue = "0", description = "Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--resume", description = "continue the run in --out from its last checkpoint")
    boolean resume;

    @Option(names = "--stop-after", description = "stop after this many epochs in all (the schedules still span --epochs); continue later with --resume")
    Integer stopAfter;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() {
        if (images == null && corpus <= 0) {
            throw new WeaktrException("give --images DIR and/or --corpus N (images to pretrain on)");
        }
        if (corpus < 0 || localCrops < 0) {
            throw new WeaktrException("--corpus and --local-crops must be >= 0");
        }
        VitConfig vit = VitConfig.preset(model);
        if (globalSize != null) {
            vit = vit.withImageSize(globalSize);
        }
        PretrainConfig cfg = PretrainConfig.defaults(vit, epochs, batch, seed);
        int local = localSize == null ? cfg.crops().localSize() : localSize;
        cfg = cfg.withCrops(new MultiCrop(vit.imageSize(), local, localCrops, cfg.crops().globalScaleMin()))
                .withHead(new DinoHead.Config(headHidden, Math.min(cfg.head().bottleneck(), headHidden), outDim))
                .withLr(lr, warmupEpochs == null ? cfg.warmupEpochs() : warmupEpochs)
                .withTeacher(momentumTeacher, teacherTemp);
        ImageSource source = null;
        if (images != null) {
            source = ImageSource.folder(images);
        }
        if (corpus > 0) {
            // the corpus is rendered a quarter larger than the global view, so global crops keep detail
            ImageSource gen = ImageSource.corpus(corpus, vit.imageSize() * 5 / 4, corpusSeed);
            source = source == null ? gen : ImageSource.concat(source, gen);
        }
        System.out.printf(Locale.ROOT, "pretrain (DINO): %s, %s; %d epochs x batch %d, effective lr %.3g, views 2x%d + %dx%d px, K %d, seed %d -> %s%n",
                vit.name(), source.describe(), epochs, batch, cfg.effectiveLr(), vit.imageSize(), localCrops, local, outDim, seed, out);
        DinoPretrainer.Result r = new DinoPretrainer(System.out).train(source, out, cfg, device.resolve(), resume,
                stopAfter == null ? epochs : stopAfter);
        System.out.printf(Locale.ROOT, "done: %d epochs so far, last epoch mean loss %.4f, %.1f s -> %s%n", r.epochs(), r.lastLoss(),
                r.seconds(), r.backbone());
        return 0;
    }
}
