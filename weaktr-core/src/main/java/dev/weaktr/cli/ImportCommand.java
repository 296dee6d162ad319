package dev.weaktr.cli;

import dev.weaktr.WeaktrException;
import dev.weaktr.cam.CamCheckpoints;
import dev.weaktr.data.ClassList;
import dev.weaktr.nn.VitConfig;
import dev.weaktr.seg.SegCheckpoints;
import dev.weaktr.seg.SegmenterConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Turn an official WeakTr checkpoint (.pth or safetensors) into a weaktr run folder (RUN/{run.json,checkpoint.safetensors}): --kind cam (CAM stage) or seg (released retraining checkpoints: DeiT-S, ViT-S, DINOv2-S, EVA-02-S).")
final class ImportCommand implements Callable<Integer> {
    @Option(names = "--from", required = true, description = "checkpoint file, e.g. checkpoint_best_mIoU.pth")
    Path from;

    @Option(names = "--kind", defaultValue = "cam", description = "cam (CAM stage) | seg (retraining stage) | semformer-caae | semformer "
            + "(SemFormer's two stages) | afa (an official rulixiang/afa checkpoint, wetr_iter_*.pth) | getam (an official "
            + "weixuansun/GETAM checkpoint, weight/<session>_last.pth). Default: ${DEFAULT-VALUE}")
    String kind;

    @Option(names = "--out", required = true, description = "run folder to write")
    Path out;

    @Option(names = "--classes", description = "class list file (background first, one per line); default PASCAL VOC when the checkpoint has 20 class tokens")
    Path classes;

    @Option(names = {"--model", "--encoder"}, description = "backbone preset. cam: deit-small (default) | deit-tiny | cpu-demo; "
            + "seg: recognised from the keys for dinov2-small / eva02-small / eva02-tiny, required for a plain ViT: "
            + "deit-small (WeakTr) or vit-small (WeakTr†); afa: read from the tensors, or a MiT preset mit-b0|mit-b1|mit-b2|cpu-demo; "
            + "getam: read from the tensors, or vit-hybrid|vit-b|deit-b|deit-b-distilled|cpu-demo")
    String model;

    @Option(names = "--fusion", defaultValue = "auto", description = "auto (from the tensor names: AAF.fc = paper version -> aaf; "
            + "attn_feat_ffn = newest code -> aaf-feat, or aaf-rand with query.npy beside the file; attn_head_ffn only -> aaf; "
            + "no AAF tensors -> mean-sum) | aaf | aaf-feat | aaf-rand | mean-sum. Default: ${DEFAULT-VALUE}")
    String fusion;

    @Option(names = "--query", description = "aaf-rand: the fixed query (.npy [1, 72]) the official RandWeight run saved; default query.npy beside --from")
    Path query;

    @Option(names = "--aaf-pool", defaultValue = "auto", description = "AAF pooling the checkpoint was trained with (not stored in it): "
            + "auto (avg for a paper-version checkpoint, its code default; max otherwise, as the newest docs train) | max | avg. Default: ${DEFAULT-VALUE}")
    String aafPool;

    @Option(names = "--ignore-unused", description = "drop tensors the model has no place for (by default they are an error)")
    boolean ignoreUnused;

    @Option(names = "--strict", hidden = true, description = "the default now: tensors the model has no place for are an error")
    boolean strict;

    @Override
    public Integer call() {
        if (kind.equals("seg")) {
            return importSeg();
        }
        if (kind.equals("afa")) {
            return importAfa();
        }
        if (kind.equals("getam")) {
            dev.weaktr.getam.GetamCheckpoints.Imported r = dev.weaktr.getam.GetamCheckpoints.importOfficial(from, out,
                    classes == null ? null : ClassList.read(classes), model);
            System.out.printf("imported %s: GETAM, %s, %d classes, %d features, %d tensors dropped -> %s%n", from,
                    r.manifest().backbone(), r.manifest().classes().size() - 1, r.manifest().features(), r.dropped().size(),
                    r.run());
            return 0;
        }
        if (kind.equals("semformer-caae") || kind.equals("semformer")) {
            dev.weaktr.semformer.SemFormerImport.Imported r = dev.weaktr.semformer.SemFormerImport.run(from, kind, out,
                    classes == null ? null : ClassList.read(classes));
            System.out.printf("imported %s: %s (%s), %d classes, crop %d -> %s%n", from, r.method(), r.model(), r.classes(),
                    r.crop(), r.run());
            return 0;
        }
        if (!kind.equals("cam")) {
            throw new WeaktrException("unknown --kind '" + kind + "'; expected cam, seg, semformer-caae, semformer, afa or getam");
        }
        ClassList names = classes == null ? null : ClassList.read(classes);
        CamCheckpoints.Imported r = CamCheckpoints.importOfficial(from, out,
                new CamCheckpoints.ImportOptions(VitConfig.preset(model == null ? "deit-small" : model), fusion, aafPool, names, ignoreUnused && !strict, query));
        System.out.println("layout: " + r.layout() + (fusion.equals("auto") ? "" : "; --fusion " + fusion + " given"));
        for (String k : r.unexpected()) {
            System.out.println("note: dropped tensor '" + k + "' (no place for it in the model)");
        }
        System.out.printf("imported %s: %s, fusion %s (pool %s), %d classes, grid %dx%d -> %s%n", from,
                r.net().backbone().name(), r.net().fusion(), r.net().aaf().pool(), r.net().numClasses(),
                r.net().backbone().gridSize(), r.net().backbone().gridSize(), r.run());
        return 0;
    }

    /** An official AFA checkpoint → an AFA run folder ({@code --model} names a MiT preset, else read from the tensors). */
    private Integer importAfa() {
        ClassList names = classes == null ? null : ClassList.read(classes);
        dev.weaktr.afa.AfaCheckpoints.Imported r = dev.weaktr.afa.AfaCheckpoints.importOfficial(from, out, names, model);
        dev.weaktr.afa.AfaRun m = r.manifest();
        System.out.printf("imported %s: AFA, %s, %d classes, head width %d, %d tensors dropped (%s) -> %s%n", from,
                m.net().backbone(), m.classes().size() - 1, m.embedDim(), r.dropped().size(),
                r.dropped().isEmpty() ? "none" : "BatchNorm num_batches_tracked", r.run());
        return 0;
    }

    /** A released retraining checkpoint (backbones-spec §6.6) → a segmentation run folder. */
    private Integer importSeg() {
        ClassList names = classes == null ? null : ClassList.read(classes);
        SegCheckpoints.Imported r = SegCheckpoints.importOfficial(from, out, model, names, strict);
        r.notes().forEach(n -> System.out.println("note: " + n));
        SegmenterConfig net = r.net();
        System.out.printf("imported %s: %s encoder (depth %d), %d classes, crop %d, normalisation %s, %d tensors dropped -> %s%n",
                from, net.encoder().name(), net.encoder().depth(), net.numClasses(), net.encoder().imageSize(),
                net.normalization(), r.dropped().size(), r.run());
        return 0;
    }
}
