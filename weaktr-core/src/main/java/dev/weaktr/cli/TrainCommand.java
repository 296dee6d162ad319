package dev.weaktr.cli;

import dev.weaktr.WeaktrException;
import dev.weaktr.afa.AfaTrainConfig;
import dev.weaktr.afa.AfaTrainer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a method's network from image-level labels (--method afa | getam | semformer); writes RUN/{run.json,checkpoint.safetensors,log.jsonl}. WeakTr's CAM phase is 'train-cam'.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--method", required = true, description = "afa | getam | semformer")
    String method;

    @Option(names = "--data", required = true, description = "dataset root (PASCAL VOC layout)")
    Path data;

    @Option(names = "--out", required = true, description = "run folder to write")
    Path out;

    @Option(names = "--split", defaultValue = "train", description = "Default: ${DEFAULT-VALUE}")
    String split;

    @Option(names = "--backbone", defaultValue = "mit-b1", description = "mit-b0 | mit-b1 | mit-b2 | cpu-demo. Default: ${DEFAULT-VALUE}")
    String backbone;

    @Option(names = "--pretrained", description = "ImageNet weights: afa, MiT (SegFormer's mit_b*.pth layout); semformer, timm DeiT (DeiT-B distilled for --stage caae, DeiT-S for seg); safetensors or .pth")
    Path pretrained;

    @Option(names = "--iters", defaultValue = "20000", description = "iterations; cam_iters, warm-up and the label switch scale with it (official 2000/1500/6000 of 20000). Default: ${DEFAULT-VALUE}")
    int iters;

    @Option(names = "--batch", defaultValue = "4", description = "Default: ${DEFAULT-VALUE}")
    int batch;

    @Option(names = "--crop", defaultValue = "512", description = "square crop; it and 1.5x it must be multiples of 16. Default: ${DEFAULT-VALUE}")
    int crop;

    @Option(names = "--lr", defaultValue = "6e-5", description = "encoder lr (heads x10, encoder norms frozen). Default: ${DEFAULT-VALUE}")
    double lr;

    @Option(names = "--checkpoint-every", description = "iterations between checkpoints (resume points). Default: min(iters, 500)")
    Integer every;

    @Option(names = "--rloss", defaultValue = "0", description = "weight of the dense-CRF regularised loss (rloss, on the "
            + "permutohedral lattice; the official code has it commented out with 0.01); 0 = off. Default: ${DEFAULT-VALUE}")
    double rloss;

    @Option(names = "--seed", defaultValue = "0", description = "Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--resume", description = "continue the run in --out from its last checkpoint")
    boolean resume;

    @Option(names = "--stage", description = "semformer: caae (stage 1, the class-aware autoencoder) | seg (stage 2, the segmentor; needs --caae)"
            + " | aff (AffinityNet for the pseudo labels; needs --cams)")
    String stage;

    @Option(names = "--cams", description = "semformer --stage aff: the CAMS folder of the training split ('cams --run SEMFORMER_RUN')")
    Path cams;

    @Option(names = "--caae", description = "semformer --stage seg: the stage-1 run folder")
    Path caae;

    @Option(names = "--epochs", description = "semformer: epochs (official 200 for caae, 20 for seg)")
    Integer epochs;

    @Option(names = "--saliency", description = "getam: saliency maps, one PNG per image (<id>.png, the image's size); "
            + "without them GETAM runs image-level only")
    Path saliency;

    @Option(names = "--saliency-bit-exact", description = "getam: the official in-place saliency binarisation quirk "
            + "(BCE target 1 except at mined pixels) instead of the intent (1 where not salient)")
    boolean saliencyBitExact;

    @Option(names = "--features", defaultValue = "256", description = "getam: DPT decoder width (64 for --backbone cpu-demo unless given). Default: ${DEFAULT-VALUE}")
    int features;

    @Mixin
    DeviceOption device;

    @Mixin
    ValidationOptions validation;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (method.equals("semformer")) {
            return SemFormerTrain.run(this, spec.commandLine().getParseResult());
        }
        if (method.equals("getam")) {
            return GetamTrain.run(this);
        }
        if (!method.equals("afa")) {
            throw new WeaktrException("--method " + method + ": 'train' knows afa, getam and semformer; WeakTr's CAM network trains with 'weaktr train-cam'");
        }
        String mit = backbone.equals("cpu-demo") ? "mit-cpu-demo" : backbone;
        if (!(rloss >= 0) || Double.isInfinite(rloss)) {
            throw new WeaktrException("--rloss must be a finite weight >= 0, got " + rloss);
        }
        AfaTrainConfig cfg = AfaTrainConfig.official(iters, batch, crop, seed).withLr(lr).withRloss(rloss);
        if (every != null) {
            if (every < 1) {
                throw new WeaktrException("--checkpoint-every must be at least 1");
            }
            cfg = cfg.withRoundIterations(every);
        }
        System.out.printf(Locale.ROOT, "train: afa, %s, %d iterations x batch %d, crop %d, lr %.3g (cls only to %d, "
                + "warm-up %d, random-walk labels after %d), seed %d -> %s%n", mit, iters, batch, crop, lr,
                cfg.camIterations(), cfg.warmupIterations(), cfg.switchIteration(), seed, out);
        AfaTrainer.Result r = new AfaTrainer(System.out).train(data, split, out, mit, cfg, device.resolve(), resume, pretrained);
        System.out.printf(Locale.ROOT, "done: %d iterations, last round %s, %.1f s -> %s%n", r.iterations(), r.last(),
                r.seconds(), r.run());
        return 0;
    }
}
