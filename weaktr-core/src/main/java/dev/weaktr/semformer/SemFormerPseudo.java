package dev.weaktr.semformer;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.weaktr.WeaktrException;
import dev.weaktr.cam.CamPipeline;
import dev.weaktr.crf.CrfConfig;
import dev.weaktr.crf.MeanField;
import dev.weaktr.data.Normalize;
import dev.weaktr.data.VocDataset;
import dev.weaktr.io.AtomicFiles;
import dev.weaktr.io.LabelPng;
import dev.weaktr.io.RgbImage;
import dev.weaktr.nn.Parameters;
import dev.weaktr.train.Checkpoint;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code weaktr pseudo} for a SemFormer segmentor run with its AffinityNet run (peers.md §4.4): per image, the
 * stride-4 CRA CAM of its labelled classes ({@link CraCam}, scales 0.5/1/1.5/2 + flips, the last 4 layers), the
 * AffinityNet boundary map, the random walk ({@link RandomWalk}), background 0.25, argmax and a one-iteration CRF on
 * labels ({@link AffinityLabels#finalLabels}); written in the SEEDS layout {@code retrain} and {@code eval} read:
 * {@code <id>.png}, {@code seeds.json}, then {@code seeds.txt}. The paper's last stage (DeepLab on these labels) is
 * weaktr's {@code retrain}.
 */
public final class SemFormerPseudo {
    private SemFormerPseudo() {}

    /** Which labels to write: the full chain, or the raw CAM's (for comparison, no random walk). */
    public enum Source { RANDOM_WALK, CAM }

    public static int run(Path semRun, Path affRun, Path dataRoot, String split, Path out, Source source, Device device,
            PrintStream console) {
        SemFormerRun manifest = SemFormerRun.read(semRun);
        if (!SemFormerRun.METHOD_SEG.equals(manifest.method())) {
            throw new WeaktrException(semRun.resolve(SemFormerRun.FILE) + ": a SemFormer CAAE run; pseudo labels come from "
                    + "the segmentor (a run of --stage seg)");
        }
        if (affRun == null) {
            throw new WeaktrException(semRun.resolve(SemFormerRun.FILE) + ": a SemFormer run needs --aff-run AFF_RUN (its "
                    + "AffinityNet: 'weaktr train --method semformer --stage aff --cams CAMS')");
        }
        VocDataset data = VocDataset.open(dataRoot, split);
        if (!data.classes().names().equals(manifest.classes())) {
            throw new WeaktrException(semRun.resolve(SemFormerRun.FILE) + ": trained on classes " + manifest.classes()
                    + " but " + dataRoot + " has " + data.classes().names());
        }
        AffinityRun aff = AffinityRun.readFor(affRun, manifest.classes());
        for (String f : new String[] {AffinityRun.BACKBONE, Checkpoint.FILE}) {
            if (!Files.isRegularFile(affRun.resolve(f))) {
                throw new WeaktrException(affRun.resolve(f) + " is missing (the AffinityNet run has not finished an epoch)");
            }
        }
        MeanField worker = new MeanField();
        int n = 0;
        try (NDManager manager = NDManager.newBaseManager(device)) {
            Parameters p = new Parameters(manager, DataType.FLOAT32, 0, false);
            SemFormerNet net = new SemFormerNet(p, manifest.segmentorConfig());
            Checkpoint.load(dev.weaktr.train.BestCheckpoint.choose(semRun, null), p, null); // the best epoch when kept
            Parameters backbone = new Parameters(manager, DataType.FLOAT32, 0, false);
            Parameters edge = new Parameters(manager, DataType.FLOAT32, 0, false);
            AffinityNet affNet = new AffinityNet(backbone, edge, aff.train().net());
            Checkpoint.load(affRun.resolve(AffinityRun.BACKBONE), backbone, null);
            Checkpoint.load(affRun.resolve(Checkpoint.FILE), edge, null);
            for (String id : data.ids()) {
                RgbImage image = data.readImage(id);
                int[] keys = data.labelIndices(id);
                byte[] labels = label(net, affNet, manager, worker, image, keys, source);
                LabelPng.write(out.resolve(id + ".png"), new LabelPng.LabelMap(labels, image.width(), image.height()));
                if (++n % 50 == 0 || n == data.size()) {
                    console.printf("pseudo (semformer): %d/%d images%n", n, data.size());
                }
            }
        }
        Map<String, Object> src = new LinkedHashMap<>();
        src.put("method", SemFormerRun.METHOD_SEG);
        src.put("run", semRun.toAbsolutePath().toString());
        src.put("aff_run", affRun.toAbsolutePath().toString());
        src.put("data", dataRoot.toAbsolutePath().toString());
        src.put("split", split);
        src.put("labels", source == Source.RANDOM_WALK
                ? "CRA CAM (stride 4) -> AffinityNet random walk (beta 10, T^256) -> background 0.25 -> CRF on labels, 1 iteration"
                : "CRA CAM (full resolution) -> background 0.25 -> CRF on labels, 1 iteration (no random walk)");
        try {
            AtomicFiles.writeString(out.resolve(CamPipeline.SEEDS_SOURCE), new com.fasterxml.jackson.databind.ObjectMapper()
                    .writerWithDefaultPrettyPrinter().writeValueAsString(src) + "\n");
        } catch (java.io.IOException e) {
            throw new WeaktrException("cannot write " + out.resolve(CamPipeline.SEEDS_SOURCE) + ": " + e.getMessage(), e);
        }
        AtomicFiles.writeString(out.resolve("seeds.txt"), String.join("\n", data.ids()) + "\n");
        return n;
    }

    /** One image's pseudo label, [H, W] class ids. */
    static byte[] label(SemFormerNet net, AffinityNet affNet, NDManager manager, MeanField worker, RgbImage image,
            int[] keys, Source source) {
        int h = image.height(), w = image.width();
        if (keys.length == 0) {
            return new byte[h * w]; // keys = [0]: everything background
        }
        CraCam.Maps maps = CraCam.infer(net, image, CraCam.SCALES, CraCam.LAYERS);
        int sh = maps.strideH(), sw = maps.strideW(), plane = sh * sw;
        float[] cam = new float[keys.length * plane];
        for (int i = 0; i < keys.length; i++) {
            System.arraycopy(maps.strided(), (keys[i] - 1) * plane, cam, i * plane, plane);
        }
        float[] walked;
        if (source == Source.RANDOM_WALK) {
            float[] boundary;
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                boundary = affNet.boundary(manager, Normalize.toChw(image), h, w);
            }
            walked = RandomWalk.walk(cam, keys.length, sh, sw, boundary, h, w);
        } else { // make_pseudo_labels.py without a 'rw' entry: the full-resolution CAM ('hr_cam')
            walked = SemFormerCams.select(maps, keys).maps();
        }
        return AffinityLabels.finalLabels(worker, image, walked, keys, CrfConfig.SEMFORMER_FINAL);
    }
}
