package dev.weaktr.cli;

import dev.weaktr.WeaktrException;
import dev.weaktr.nn.VitConfig;
import dev.weaktr.pretrain.DinoHead;
import dev.weaktr.pretrain.DinoPretrainer;
import dev.weaktr.pretrain.FdslPretrainer;
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
        description = "Pretrain a ViT backbone without human labels: DINO self-distillation with multi-crop on your images and/or a generated "
                + "corpus, or (--objective fdsl) formula-driven supervised pretraining on the generated corpus with the renderer's own labels; "
                + "writes RUN/{run.json,checkpoint.safetensors,log.jsonl,backbone.safetensors}. Then: train-cam/retrain --pretrained RUN/backbone.safetensors.")
final class PretrainCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "run folder to write")
    Path out;

    @Option(names = "--objective", defaultValue = "dino", description = "dino (self-distillation; any images) | fdsl (the generated "
            + "corpus's own family labels: multi-label classification from the class token + per-patch family fractions; --corpus only). "
            + "Default: ${DEFAULT-VALUE}")
    String objective;

    @Option(names = "--weight-decay", defaultValue = "0.05", description = "fdsl: AdamW weight decay (DINO has its own cosine 0.04 -> 0.4). Default: ${DEFAULT-VALUE}")
    double weightDecay;

    @Option(names = "--clip-grad", defaultValue = "1.0", description = "fdsl: global gradient-norm clipping (0 = off). Default: ${DEFAULT-VALUE}")
    double clipGrad;

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

    @Option(names = "--lr", description = "dino: base lr, the effective lr is lr*batch/256 (DINO's rule; default 5e-4); fdsl: the peak lr (default 1e-3)")
    Double lr;

    @Option(names = "--warmup-epochs", description = "lr warm-up epochs (default: dino min(10, epochs/10), fdsl min(5, max(1, epochs/10)))")
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
        if (objective.equals("fdsl")) {
            return fdsl(vit);
        }
        if (!objective.equals("dino")) {
            throw new WeaktrException("--objective must be dino or fdsl, not '" + objective + "'");
        }
        double lr = this.lr == null ? 5e-4 : this.lr;
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

    /** Formula-driven supervised pretraining on the generated corpus (its own labels). */
    private Integer fdsl(VitConfig vit) {
        if (images != null || corpus <= 0) {
            throw new WeaktrException("--objective fdsl learns from the generated corpus's own labels: give --corpus N and no --images");
        }
        FdslPretrainer.Config cfg = new FdslPretrainer.Config(vit, corpus, corpusSeed, epochs, batch, lr == null ? 1e-3 : lr, 1e-6,
                warmupEpochs == null ? Math.min(5, Math.max(1, epochs / 10)) : warmupEpochs, weightDecay, clipGrad, seed);
        System.out.printf(Locale.ROOT, "pretrain (FDSL): %s, %d corpus images (%d families, corpus seed %d) at %d px; %d epochs x batch %d, lr %.3g, "
                + "warm-up %d, seed %d -> %s%n", vit.name(), corpus, dev.weaktr.data.CorpusRenderer.corpusFamilies(), corpusSeed, vit.imageSize(),
                epochs, batch, cfg.lr(), cfg.warmupEpochs(), seed, out);
        DinoPretrainer.Result r = new FdslPretrainer(System.out).train(out, cfg, device.resolve(), resume, stopAfter == null ? epochs : stopAfter);
        System.out.printf(Locale.ROOT, "done: %d epochs so far, last epoch mean loss %.4f, %.1f s -> %s%n", r.epochs(), r.lastLoss(),
                r.seconds(), r.backbone());
        return 0;
    }
}
