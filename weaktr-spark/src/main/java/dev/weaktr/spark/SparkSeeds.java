package dev.weaktr.spark;

import dev.weaktr.WeaktrException;
import dev.weaktr.cam.CamInference;
import dev.weaktr.cam.CamPipeline;
import dev.weaktr.cam.CamStore;
import dev.weaktr.cam.Seeds;
import dev.weaktr.crf.CrfConfig;
import dev.weaktr.crf.MeanField;
import dev.weaktr.io.AtomicFiles;
import dev.weaktr.io.LabelPng;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@code weaktr spark seeds}: the seed masks of a CAMS folder ({@link CamPipeline#seeds}): {@code <id>.png} per image
 * from the tasks (atomically), then {@code seeds.json} and {@code seeds.txt} from the driver. A restarted job skips
 * the images whose mask exists.
 */
public final class SparkSeeds {
    private SparkSeeds() {}

    /** Images in the CAMS folder, how many this job computed, and the wall time. */
    public record Result(int images, int computed, double seconds) {}

    /** @param crfPreset a dense-CRF preset name ({@link CrfConfig#preset}) or "none" */
    public static Result run(JavaSparkContext sc, String camsUri, double background, String crfPreset, String outUri) {
        long t0 = System.nanoTime();
        Optional<CrfConfig> crf = CrfConfig.presetOrNone(crfPreset);
        if (!(background >= 0 && background <= 1)) {
            throw new WeaktrException("--bg must be in [0, 1] (CAMs are normalised to [0, 1]), got " + background);
        }
        var conf = sc.hadoopConfiguration();
        RemoteFiles cams = RemoteFiles.of(camsUri, "--cams", conf);
        RemoteFiles out = RemoteFiles.of(outUri, "--out", conf);
        if (!cams.isFile(CamStore.INDEX)) {
            throw new WeaktrException("not a finished CAMS folder: " + cams + " has no " + CamStore.INDEX
                    + " (expected the --out folder of 'weaktr cams' or 'weaktr spark cams')");
        }
        String index = new String(cams.readBytes(CamStore.INDEX), java.nio.charset.StandardCharsets.UTF_8);
        List<String> ids;
        RemoteFiles images = null;
        try (Scratch driver = new Scratch()) {
            Path local = driver.resolve("cams");
            cams.copyToLocal(CamStore.INDEX, local.resolve(CamStore.INDEX));
            ids = Staging.inTermsOf(cams, local, () -> CamStore.open(local)).ids();
            if (crf.isPresent()) {
                if (!cams.isFile(CamStore.SOURCE)) {
                    throw new WeaktrException(cams + " has no " + CamStore.SOURCE + " (needed to find the images for the CRF)");
                }
                CamStore.Source source;
                try {
                    source = new com.fasterxml.jackson.databind.ObjectMapper().readValue(cams.readBytes(CamStore.SOURCE),
                            CamStore.Source.class);
                } catch (IOException e) {
                    throw new WeaktrException("cannot read " + cams + "/" + CamStore.SOURCE + ": " + e.getMessage(), e);
                }
                images = RemoteFiles.of(source.data(), "the dataset of " + cams + "/" + CamStore.SOURCE, conf);
            }
        }
        out.mkdirs();
        Set<String> done = out.fileNames("");
        RemoteFiles data = images;
        long computed = Jobs.writing(sc, out, List.of(), () -> sc.parallelize(ids, Jobs.slices(sc, ids.size()))
                .mapPartitions((Iterator<String> part) -> Jobs.counted(() -> seedsOf(part, index, cams, data, background, crfPreset, out, done)))
                .filter(c -> c)
                .count());
        try (Scratch driver = new Scratch()) {
            Map<String, Object> source = new LinkedHashMap<>();
            source.put("cams", cams.display());
            source.put("threshold", background);
            source.put("crf", crf.map(CrfConfig::name).orElse("none"));
            try {
                AtomicFiles.writeString(driver.resolve(CamPipeline.SEEDS_SOURCE), new com.fasterxml.jackson.databind.ObjectMapper()
                        .writerWithDefaultPrettyPrinter().writeValueAsString(source) + "\n");
            } catch (IOException e) {
                throw new WeaktrException("cannot write " + CamPipeline.SEEDS_SOURCE + ": " + e.getMessage(), e);
            }
            out.putAtomically(driver.resolve(CamPipeline.SEEDS_SOURCE), CamPipeline.SEEDS_SOURCE);
            AtomicFiles.writeString(driver.resolve("seeds.txt"), String.join("\n", ids) + "\n");
            out.putAtomically(driver.resolve("seeds.txt"), "seeds.txt");
        }
        return new Result(ids.size(), (int) computed, (System.nanoTime() - t0) / 1e9);
    }

    /** The executor side: one partition's seeds; true per image computed here, false per image done before. */
    private static Iterator<Boolean> seedsOf(Iterator<String> part, String index, RemoteFiles cams, RemoteFiles data,
            double background, String crfPreset, RemoteFiles out, Set<String> done) throws IOException {
        Optional<CrfConfig> crf = CrfConfig.presetOrNone(crfPreset);
        List<Boolean> computed = new ArrayList<>();
        try (Scratch scratch = new Scratch()) {
            Path local = scratch.resolve("cams");
            Files.createDirectories(local);
            Files.writeString(local.resolve(CamStore.INDEX), index);
            CamStore store = CamStore.open(local);
            MeanField worker = crf.isPresent() ? new MeanField() : null;
            while (part.hasNext() && !Jobs.killed()) {
                String id = part.next();
                if (done.contains(id + ".png")) {
                    computed.add(false);
                    continue;
                }
                if (store.entry(id).classes().length > 0) {
                    cams.copyToLocal(id + ".npy", local.resolve(id + ".npy"));
                }
                CamInference.Cams c = Staging.inTermsOf(cams, local, () -> store.read(id));
                Scratch.delete(local.resolve(id + ".npy"));
                LabelPng.LabelMap seed = crf.isEmpty() ? Seeds.threshold(c, background)
                        : Seeds.refined(c, background, Staging.image(data, id, scratch), crf.get(), worker);
                Path png = scratch.resolve(id + ".png");
                LabelPng.write(png, seed);
                out.putAtomically(png, id + ".png");
                Scratch.delete(png);
                computed.add(true);
            }
        }
        return computed.iterator();
    }
}
