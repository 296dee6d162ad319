package dev.weaktr.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weaktr.WeaktrException;
import dev.weaktr.cam.CamPipeline;
import dev.weaktr.cam.CamStore;
import dev.weaktr.data.VocDataset;
import dev.weaktr.eval.CamEvaluator;
import dev.weaktr.eval.SegEvaluator;
import dev.weaktr.seg.SegPipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads the folders a report compares and groups them into rows. A folder is a run (run.json), a CAMS
 * folder (cams.tsv), a SEEDS folder (seeds.txt) or a PRED folder (pred.txt); anything else, an output of
 * another dataset or split, or an output without its metrics.json is refused with a message naming it.
 *
 * <p>Rows: one per CAMS folder (with the SEEDS made from it), one per retraining run (its PRED folders
 * without and with CRF), one per run given without any of its outputs, one per output whose run is not at
 * hand.
 */
final class Inputs {
    private static final ObjectMapper JSON = new ObjectMapper();

    enum Kind { RUN, CAMS, SEEDS, PRED }

    /** A scored output folder. {@code source} is its provenance file's text (cams.json, seeds.json, pred.json) or null. */
    record Output(Path dir, Kind kind, CamEvaluator.Result cam, SegEvaluator.Result seg, String source, String crf) {}

    /** One row of the report. */
    static final class Row {
        String label;
        RunInfo run;
        Output cams, seeds, pred, predCrf;

        /** The output whose per-class IoU, confusion matrix and pictures represent the row. */
        Output headline() {
            return pred != null ? pred : predCrf != null ? predCrf : cams != null ? cams : seeds;
        }
    }

    private final VocDataset data;
    private final Path dataReal;
    private final Set<String> splitIds;
    private final Map<Path, RunInfo> runs = new LinkedHashMap<>();

    private Inputs(VocDataset data) {
        this.data = data;
        this.dataReal = real(data.root());
        this.splitIds = new HashSet<>(data.ids());
    }

    static List<Row> read(VocDataset data, List<Path> folders) {
        return new Inputs(data).rows(folders);
    }

    private List<Row> rows(List<Path> folders) {
        List<Row> rows = new ArrayList<>();
        Map<Path, Row> byCams = new LinkedHashMap<>();
        Map<Path, Row> bySegRun = new LinkedHashMap<>();
        Set<Path> runInputs = new LinkedHashSet<>();
        Set<Path> linkedRuns = new HashSet<>();
        List<Path[]> seeds = new ArrayList<>(); // {dir, cams source or null}
        Set<Path> seen = new HashSet<>();
        for (Path dir : folders) {
            Path key = real(dir);
            if (!seen.add(key)) {
                continue;
            }
            switch (classify(dir)) {
                case RUN -> {
                    run(dir);
                    runInputs.add(key);
                }
                case CAMS -> {
                    CamStore.Source src = camsSource(dir);
                    Row row = new Row();
                    row.run = linkedRun(src.run());
                    row.label = (row.run != null ? row.run.name() : dir.getFileName().toString())
                            + (src.patchRefine() ? " · refined" : " · fused") + " CAM";
                    row.cams = new Output(dir, Kind.CAMS, readCam(dir), null, text(dir.resolve(CamStore.SOURCE)), null);
                    rows.add(row);
                    byCams.put(key, row);
                    if (row.run != null) {
                        linkedRuns.add(real(row.run.dir()));
                    }
                }
                case SEEDS -> seeds.add(new Path[] {dir, seedsSource(dir)});
                case PRED -> {
                    SegPipeline.Source src = predSource(dir);
                    RunInfo run = src == null ? null : linkedRun(src.run());
                    String crf = src == null ? "none" : src.crf();
                    Output out = new Output(dir, Kind.PRED, null, readSeg(dir), text(dir.resolve(SegPipeline.Source.FILE)), crf);
                    Row row = run == null ? null : bySegRun.get(real(run.dir()));
                    if (row == null || (crf.equals("none") ? row.pred : row.predCrf) != null) {
                        row = new Row();
                        row.run = run;
                        row.label = run != null ? run.name() : dir.getFileName().toString();
                        rows.add(row);
                        if (run != null) {
                            bySegRun.putIfAbsent(real(run.dir()), row);
                            linkedRuns.add(real(run.dir()));
                        }
                    }
                    if (crf.equals("none")) {
                        row.pred = out;
                    } else {
                        row.predCrf = out;
                    }
                }
            }
        }
        for (Path[] s : seeds) {
            Output out = new Output(s[0], Kind.SEEDS, null, readSeg(s[0]), text(s[0].resolve(CamPipeline.SEEDS_SOURCE)), null);
            Row row = s[1] == null ? null : byCams.get(real(s[1]));
            if (row == null || row.seeds != null) {
                row = new Row();
                row.label = s[0].getFileName().toString() + " seeds";
                if (s[1] != null && Files.isRegularFile(s[1].resolve(CamStore.SOURCE))) {
                    row.run = linkedRun(camsSourceQuiet(s[1]));
                }
                rows.add(row);
            }
            row.seeds = out;
        }
        for (Path key : runInputs) {
            if (!linkedRuns.contains(key)) {
                Row row = new Row();
                row.run = runs.get(key);
                row.label = row.run.name();
                rows.add(row);
            }
        }
        return rows;
    }

    static Kind classify(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new WeaktrException(dir + " is not a folder");
        }
        if (Files.isRegularFile(dir.resolve("run.json"))) {
            return Kind.RUN;
        }
        if (Files.isRegularFile(dir.resolve(CamStore.INDEX))) {
            return Kind.CAMS;
        }
        if (Files.isRegularFile(dir.resolve("seeds.txt"))) {
            return Kind.SEEDS;
        }
        if (Files.isRegularFile(dir.resolve(SegPipeline.INDEX))) {
            return Kind.PRED;
        }
        throw new WeaktrException(dir + " is neither a run nor an output of weaktr (no run.json, " + CamStore.INDEX
                + ", seeds.txt or " + SegPipeline.INDEX + ")");
    }

    private RunInfo run(Path dir) {
        Path key = real(dir);
        RunInfo run = runs.get(key);
        if (run == null) {
            run = RunInfo.read(dir);
            if (!run.classes().equals(data.classes().names())) {
                throw new WeaktrException(dir + " was trained on classes " + run.classes() + ", but " + data.root() + " has "
                        + data.classes().names() + ": a report compares outputs of one dataset");
            }
            runs.put(key, run);
        }
        return run;
    }

    /** The run an output names, when that folder is still there; null otherwise. */
    private RunInfo linkedRun(String path) {
        if (path == null) {
            return null;
        }
        Path dir = Path.of(path);
        return Files.isRegularFile(dir.resolve("run.json")) ? run(dir) : null;
    }

    private CamStore.Source camsSource(Path dir) {
        Path file = dir.resolve(CamStore.SOURCE);
        if (!Files.isRegularFile(file)) {
            throw new WeaktrException(dir + " has no " + CamStore.SOURCE + " (not a finished 'weaktr cams' output)");
        }
        CamStore.Source src;
        try {
            src = JSON.readValue(file.toFile(), CamStore.Source.class);
        } catch (IOException e) {
            throw new WeaktrException(dir + ": cannot read " + CamStore.SOURCE + ": " + e.getMessage(), e);
        }
        checkOrigin(dir, src.data(), src.split());
        checkIds(dir, CamStore.open(dir).ids());
        return src;
    }

    private static String camsSourceQuiet(Path camsDir) {
        try {
            return JSON.readValue(camsDir.resolve(CamStore.SOURCE).toFile(), CamStore.Source.class).run();
        } catch (IOException e) {
            return null;
        }
    }

    /** The CAMS folder a SEEDS folder was made from (seeds.json), or null. */
    private Path seedsSource(Path dir) {
        checkIds(dir, lines(dir.resolve("seeds.txt")));
        Path file = dir.resolve(CamPipeline.SEEDS_SOURCE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonNode t = JSON.readTree(file.toFile());
            return t.path("cams").isTextual() ? Path.of(t.path("cams").asText()) : null;
        } catch (IOException e) {
            throw new WeaktrException(dir + ": cannot read " + CamPipeline.SEEDS_SOURCE + ": " + e.getMessage(), e);
        }
    }

    private SegPipeline.Source predSource(Path dir) {
        SegPipeline.Source src = SegPipeline.Source.read(dir);
        if (src != null) {
            checkOrigin(dir, src.data(), src.split());
        }
        checkIds(dir, lines(dir.resolve(SegPipeline.INDEX)));
        return src;
    }

    /** An output made from another dataset or split is refused. */
    private void checkOrigin(Path dir, String dataPath, String split) {
        if (split != null && !split.equals(data.split())) {
            throw new WeaktrException(dir + " holds outputs of split '" + split + "', not '" + data.split()
                    + "': a report compares one split");
        }
        if (dataPath != null && Files.isDirectory(Path.of(dataPath)) && !real(Path.of(dataPath)).equals(dataReal)) {
            throw new WeaktrException(dir + " holds outputs of dataset " + dataPath + ", not " + data.root()
                    + ": a report compares one dataset");
        }
    }

    private void checkIds(Path dir, List<String> ids) {
        if (!new HashSet<>(ids).equals(splitIds)) {
            long foreign = ids.stream().filter(id -> !splitIds.contains(id)).count();
            throw new WeaktrException(dir + " holds " + ids.size() + " images (" + foreign + " not in split '" + data.split()
                    + "' of " + data.root() + "), the split has " + splitIds.size()
                    + ": a report compares outputs of one dataset split");
        }
    }

    private CamEvaluator.Result readCam(Path dir) {
        CamEvaluator.Result r = CamEvaluator.readMetrics(dir.resolve("metrics.json"));
        checkClasses(dir, r.perClass());
        return r;
    }

    private SegEvaluator.Result readSeg(Path dir) {
        SegEvaluator.Result r = SegEvaluator.readMetrics(dir.resolve("metrics.json"));
        checkClasses(dir, r.perClass());
        return r;
    }

    private void checkClasses(Path dir, Map<String, Double> perClass) {
        if (!new ArrayList<>(perClass.keySet()).equals(data.classes().names())) {
            throw new WeaktrException(dir + "/metrics.json scores classes " + perClass.keySet() + ", but " + data.root()
                    + " has " + data.classes().names() + ": a report compares outputs of one dataset");
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
        } catch (IOException e) {
            throw new WeaktrException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String text(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file) : null;
        } catch (IOException e) {
            return null;
        }
    }

    static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    static boolean sameFolder(Path a, Path b) {
        return Objects.equals(real(a), real(b));
    }
}
