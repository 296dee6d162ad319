package dev.weaktr.semformer;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.weaktr.WeaktrException;
import dev.weaktr.cam.CamInference;
import dev.weaktr.cam.CamPipeline;
import dev.weaktr.cam.CamStore;
import dev.weaktr.data.VocDataset;
import dev.weaktr.io.ImageFiles;
import dev.weaktr.io.Overlays;
import dev.weaktr.io.RgbImage;
import dev.weaktr.nn.Parameters;
import dev.weaktr.train.Checkpoint;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code weaktr cams} for a SemFormer segmentor run: the CRA CAMs ({@link CraCam}) of every image of a split at full
 * resolution, for its labelled classes, written as a CAMS folder ({@link CamStore}) so {@code seeds}, {@code eval-cam}
 * and {@code pseudo} read them as they read WeakTr's.
 */
public final class SemFormerCams {
    private SemFormerCams() {}

    /** Whether {@code run} is a SemFormer run folder (of either stage). */
    public static boolean isRun(Path run) {
        Path f = run.resolve(SemFormerRun.FILE);
        try {
            return Files.isRegularFile(f) && Files.readString(f).contains(SemFormerRun.FORMAT);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    public static CamPipeline.CamsResult generate(Path run, Path dataRoot, String split, Path out, double[] scales,
            int layers, Device device, PrintStream console) {
        SemFormerRun manifest = SemFormerRun.read(run);
        if (!SemFormerRun.METHOD_SEG.equals(manifest.method())) {
            throw new WeaktrException(run.resolve(SemFormerRun.FILE) + ": a SemFormer CAAE run; CAMs come from the "
                    + "segmentor (a run of --stage seg)");
        }
        VocDataset data = VocDataset.open(dataRoot, split);
        if (!data.classes().names().equals(manifest.classes())) {
            throw new WeaktrException("the run " + run + " was trained on classes " + manifest.classes() + " but "
                    + dataRoot + " has " + data.classes().names());
        }
        long t0 = System.nanoTime();
        Map<String, CamStore.Entry> index = new LinkedHashMap<>();
        int withMaps = 0;
        try (NDManager manager = NDManager.newBaseManager(device)) {
            Parameters p = new Parameters(manager, DataType.FLOAT32, 0, false);
            SemFormerNet net = new SemFormerNet(p, manifest.segmentorConfig());
            Checkpoint.load(dev.weaktr.train.BestCheckpoint.choose(run, null), p, null); // the best epoch when one was kept
            int n = 0;
            for (String id : data.ids()) {
                RgbImage image = data.readImage(id);
                int[] present = data.labelIndices(id);
                CamInference.Cams cams = present.length == 0 ? new CamInference.Cams(present, new float[0],
                        image.height(), image.width()) : select(CraCam.infer(net, image, scales, layers), present);
                CamStore.writeMaps(out, id, cams);
                ImageFiles.write(out.resolve("overlays").resolve(id + ".png"),
                        Overlays.heatmap(image, CamPipeline.maxOverClasses(cams), 0.5f));
                index.put(id, new CamStore.Entry(cams.height(), cams.width(), cams.classes()));
                withMaps += cams.classes().length > 0 ? 1 : 0;
                if (++n % 50 == 0 || n == data.size()) {
                    console.printf("cams: %d/%d images%n", n, data.size());
                }
            }
        }
        CamStore.writeSource(out, new CamStore.Source(dataRoot.toAbsolutePath().toString(), split,
                run.toAbsolutePath().toString(), scales, true, false));
        CamStore.writeIndex(out, index);
        return new CamPipeline.CamsResult(index.size(), withMaps, (System.nanoTime() - t0) / 1e9);
    }

    /** The maps of the labelled classes (indices 1..C) out of all foreground maps. */
    static CamInference.Cams select(CraCam.Maps maps, int[] present) {
        int plane = maps.height() * maps.width();
        float[] out = new float[present.length * plane];
        for (int i = 0; i < present.length; i++) {
            System.arraycopy(maps.highRes(), (present[i] - 1) * plane, out, i * plane, plane);
        }
        return new CamInference.Cams(present, out, maps.height(), maps.width());
    }
}
