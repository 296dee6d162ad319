package dev.weaktr.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weaktr.cli.Cli;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code weaktr report} on a tiny real pipeline (synth → train-cam → cams → eval-cam → seeds → retrain →
 * segment with and without CRF → eval): the page's numbers against the metrics.json files, its structure,
 * that it references nothing on a network, the bad inputs, and headless Chromium loading it.
 */
class ReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path data, cam, camsVal, camsFused, seedsVal, seg, pred, predCrf, camsTrain, page;
    static Document doc;

    static String ok(String... args) {
        Object[] r = Cli.withOutput(args);
        assertEquals(0, (int) r[0], String.join(" ", args) + ": " + r[2]);
        return (String) r[1];
    }

    /** {exit code, stderr}. */
    static Object[] fail(String... args) {
        Object[] r = Cli.withOutput(args);
        return new Object[] {r[0], r[2]};
    }

    @BeforeAll
    static void pipeline() throws Exception {
        data = tmp.resolve("data");
        ok("synth", "--out", data.toString(), "--train", "8", "--val", "6", "--size", "64", "--seed", "5");
        cam = tmp.resolve("cam");
        ok("train-cam", "--data", data.toString(), "--out", cam.toString(), "--model", "cpu-demo", "--epochs", "2",
                "--batch", "4", "--crop", "64");
        camsTrain = tmp.resolve("cams-train");
        ok("cams", "--run", cam.toString(), "--data", data.toString(), "--split", "train", "--out", camsTrain.toString(),
                "--scales", "1.0", "--no-refine");
        ok("eval-cam", "--cams", camsTrain.toString(), "--data", data.toString(), "--split", "train");
        Path seedsTrain = tmp.resolve("seeds-train");
        ok("seeds", "--cams", camsTrain.toString(), "--bg", "0.3", "--out", seedsTrain.toString());
        camsVal = tmp.resolve("cams-val");
        ok("cams", "--run", cam.toString(), "--data", data.toString(), "--split", "val", "--out", camsVal.toString(), "--scales", "1.0");
        ok("eval-cam", "--cams", camsVal.toString(), "--data", data.toString(), "--split", "val");
        camsFused = tmp.resolve("cams-val-fused");
        ok("cams", "--run", cam.toString(), "--data", data.toString(), "--split", "val", "--out", camsFused.toString(),
                "--scales", "1.0", "--no-refine");
        ok("eval-cam", "--cams", camsFused.toString(), "--data", data.toString(), "--split", "val", "--crf", "weaktr-cam-voc");
        seedsVal = tmp.resolve("seeds-val");
        ok("seeds", "--cams", camsFused.toString(), "--bg", "0.3", "--out", seedsVal.toString());
        ok("eval", "--pred", seedsVal.toString(), "--data", data.toString(), "--split", "val");
        seg = tmp.resolve("seg");
        ok("retrain", "--data", data.toString(), "--seeds", seedsTrain.toString(), "--out", seg.toString(), "--model", "cpu-demo",
                "--crop", "64", "--epochs", "2", "--batch", "4", "--lr", "0.01", "--init-from", cam.toString());
        pred = tmp.resolve("pred");
        ok("segment", "--run", seg.toString(), "--data", data.toString(), "--split", "val", "--out", pred.toString(), "--scales", "1.0");
        ok("eval", "--pred", pred.toString(), "--data", data.toString(), "--split", "val");
        predCrf = tmp.resolve("pred-crf");
        ok("segment", "--run", seg.toString(), "--data", data.toString(), "--split", "val", "--out", predCrf.toString(),
                "--scales", "1.0", "--crf", "weaktr-seg-voc");
        ok("eval", "--pred", predCrf.toString(), "--data", data.toString(), "--split", "val");
        page = tmp.resolve("report.html");
        ok("report", "--data", data.toString(), "--split", "val", "--out", page.toString(), "--images", "4", "--worst",
                cam.toString(), camsVal.toString(), camsFused.toString(), seedsVal.toString(), seg.toString(), pred.toString(),
                predCrf.toString());
        assertTrue(Files.isRegularFile(page));
        doc = Jsoup.parse(page.toFile(), "UTF-8");
    }

    static JsonNode metrics(Path dir) throws Exception {
        return JSON.readTree(dir.resolve("metrics.json").toFile());
    }

    static Element row(String table, String label) {
        Element r = doc.selectFirst("#" + table + " tr[data-row=" + label + "]");
        assertTrue(r != null, "no row '" + label + "' in #" + table + ": " + doc.select("#" + table + " tr").eachAttr("data-row"));
        return r;
    }

    static double cell(Element row, String col) {
        Element c = row.selectFirst("td[data-col=" + col + "]");
        assertTrue(c != null, "no " + col + " cell in " + row.attr("data-row"));
        return Double.parseDouble(c.text());
    }

    static void near(double expected, double shown, double decimals, String what) {
        assertEquals(expected, shown, 0.5 * Math.pow(10, -decimals) + 1e-9, what);
    }

    @Test
    void summaryNumbersAreTheMetricsJsonNumbers() throws Exception {
        // rows: the refined and the fused CAMS folder of the CAM run (the fused one with the seeds made from it),
        // the retraining run with its PRED folders without and with CRF; the CAM run has no row of its own
        assertEquals(List.of("cam · refined CAM", "cam · fused CAM", "seg"), doc.select("#summary tbody tr").eachAttr("data-row"));
        JsonNode refined = metrics(camsVal), fused = metrics(camsFused), seeds = metrics(seedsVal), p = metrics(pred),
                pc = metrics(predCrf);
        Element r1 = row("summary", "cam · refined CAM"), r2 = row("summary", "cam · fused CAM"), r3 = row("summary", "seg");
        near(refined.get("mIoU").asDouble(), cell(r1, "cam"), 2, "refined CAM mIoU");
        near(refined.get("threshold").asDouble(), cell(r1, "cam_threshold"), 2, "refined threshold");
        near(refined.get("precision").asDouble(), cell(r1, "precision"), 2, "refined precision");
        near(refined.get("recall").asDouble(), cell(r1, "recall"), 2, "refined recall");
        near(fused.get("mIoU").asDouble(), cell(r2, "cam"), 2, "fused CAM mIoU");
        near(fused.get("mIoU_crf").asDouble(), cell(r2, "cam_crf"), 2, "fused CAM mIoU w/ CRF");
        near(seeds.get("mIoU").asDouble(), cell(r2, "seed"), 2, "seed mIoU");
        near(p.get("mIoU").asDouble(), cell(r3, "seg"), 2, "seg mIoU");
        near(pc.get("mIoU").asDouble(), cell(r3, "seg_crf"), 2, "seg mIoU w/ CRF");
        near(p.get("precision").asDouble(), cell(r3, "precision"), 2, "seg precision");
        near(p.get("recall").asDouble(), cell(r3, "recall"), 2, "seg recall");
        assertEquals("—", r3.selectFirst("td[data-col=cam]").text());
        // training time and throughput from log.jsonl
        double seconds = 0;
        long steps = 0;
        for (String line : Files.readAllLines(seg.resolve("log.jsonl"))) {
            JsonNode rec = JSON.readTree(line);
            if (rec.has("epoch")) {
                seconds += rec.get("seconds").asDouble();
                steps = rec.get("step").asLong();
            }
        }
        near(seconds, cell(r3, "train_seconds"), 0, "seg training seconds");
        near(steps * 4 / seconds, cell(r3, "images_per_second"), 1, "seg images/s");
        assertTrue(r2.text().contains("WeakTr CAM") && r2.text().contains("fusion aaf") && r3.text().contains("gradient-clip decoder"),
                r2.text() + " / " + r3.text());
        // the best of each score column is marked, and only the best
        for (String col : List.of("cam", "precision", "recall", "images_per_second")) {
            double best = -1;
            for (Element c : doc.select("#summary td[data-col=" + col + "]")) {
                if (!c.text().equals("—")) {
                    best = Math.max(best, Double.parseDouble(c.text()));
                }
            }
            for (Element c : doc.select("#summary td[data-col=" + col + "]")) {
                assertEquals(!c.text().equals("—") && Double.parseDouble(c.text()) == best, c.hasClass("best"), col + " " + c);
            }
        }
    }

    @Test
    void baselinesAreShownBesideTheCams() throws Exception {
        JsonNode recorded = metrics(camsVal).get("baselines");
        assertTrue(recorded != null && recorded.size() == 3, "eval-cam records three baselines: " + recorded);
        double best = -1;
        String bestName = null;
        for (JsonNode b : recorded) {
            Element r = doc.select("#baselines tr[data-row=" + b.get("name").asText() + "]").first(); // the CAMs' come first
            near(b.get("mIoU").asDouble(), cell(r, "cam"), 2, b.get("name") + " mIoU");
            near(b.get("threshold").asDouble(), cell(r, "cam_threshold"), 2, b.get("name") + " threshold");
            if (b.get("mIoU").asDouble() > best) {
                best = b.get("mIoU").asDouble();
                bestName = b.get("name").asText();
            }
        }
        // each distinct score once (CAM folders of one split share theirs; eval's sweep over 0..1 may differ)
        Set<String> distinct = new HashSet<>();
        for (Path dir : List.of(camsVal, camsFused, pred, predCrf)) {
            for (JsonNode b : metrics(dir).get("baselines")) {
                distinct.add(String.format(Locale.ROOT, "%s %.2f %.2f", b.get("name").asText(), b.get("mIoU").asDouble(),
                        b.get("threshold").asDouble()));
            }
        }
        assertEquals(distinct.size(), doc.select("#baselines tbody tr").size(), doc.select("#baselines").outerHtml());
        int above = 0;
        for (Path cams : List.of(camsVal, camsFused)) {
            if (metrics(cams).get("mIoU").asDouble() > best) {
                above++;
            }
        }
        String verdict = doc.selectFirst("#baseline-verdict").text();
        assertTrue(verdict.contains(String.format(Locale.ROOT, "Best baseline: %s, %.2f. CAM rows above it: %d of 2", bestName, best, above)),
                verdict);
    }

    /** Counts [gt][pred] of the CAMs of a folder at background threshold t, computed here from the .npy files. */
    static long[][] handCounts(Path cams, double t) throws Exception {
        long[][] counts = new long[6][6];
        for (String line : Files.readAllLines(cams.resolve("cams.tsv"))) {
            String[] parts = line.split("\t");
            String[] cls = parts[2].trim().split(" ");
            dev.weaktr.io.Npy.FloatArray maps = dev.weaktr.io.Npy.read(cams.resolve(parts[0] + ".npy"));
            byte[] gt = dev.weaktr.io.LabelPng.read(data.resolve("SegmentationClass").resolve(parts[0] + ".png")).labels();
            int plane = gt.length;
            for (int i = 0; i < plane; i++) {
                int g = gt[i] & 0xff;
                if (g == 255) {
                    continue;
                }
                float best = -1;
                int arg = 0;
                for (int k = 0; k < cls.length; k++) {
                    if (maps.data()[k * plane + i] > best) {
                        best = maps.data()[k * plane + i];
                        arg = Integer.parseInt(cls[k]);
                    }
                }
                counts[g][best > (float) t ? arg : 0]++;
            }
        }
        return counts;
    }

    /** {mIoU, precision, recall} in percent over the classes where each is defined (numpy nanmean). */
    static double[] handScores(long[][] c) {
        double iou = 0, prec = 0, rec = 0;
        int ni = 0, np = 0, nr = 0;
        for (int k = 0; k < c.length; k++) {
            long tp = c[k][k], t = 0, p = 0;
            for (int j = 0; j < c.length; j++) {
                t += c[k][j];
                p += c[j][k];
            }
            if (t + p - tp > 0) {
                iou += tp / (double) (t + p - tp);
                ni++;
            }
            if (p > 0) {
                prec += tp / (double) p;
                np++;
            }
            if (t > 0) {
                rec += tp / (double) t;
                nr++;
            }
        }
        return new double[] {100 * iou / ni, 100 * prec / np, 100 * rec / nr};
    }

    @Test
    void evalCamRecordsTheWholeSweepAndTheConfusionMatrix() throws Exception {
        JsonNode m = metrics(camsFused);
        JsonNode curve = m.get("curve");
        assertEquals(61, curve.size());
        for (int t : new int[] {0, 17, 30, 45, 60}) {
            JsonNode point = curve.get(t);
            assertEquals(t / 100.0, point.get("threshold").asDouble(), 1e-9);
            double[] hand = handScores(handCounts(camsFused, point.get("threshold").asDouble()));
            assertEquals(hand[0], point.get("mIoU").asDouble(), 1e-9, "mIoU at " + t);
            assertEquals(hand[1], point.get("precision").asDouble(), 1e-9, "precision at " + t);
            assertEquals(hand[2], point.get("recall").asDouble(), 1e-9, "recall at " + t);
        }
        long[][] atBest = handCounts(camsFused, m.get("threshold").asDouble());
        for (int g = 0; g < 6; g++) {
            for (int p = 0; p < 6; p++) {
                assertEquals(atBest[g][p], m.get("confusion").get(g).get(p).asLong(), "confusion " + g + "," + p);
            }
        }
        // eval's confusion: the masks' pixels counted here
        long[][] counts = new long[6][6];
        for (String id : Files.readAllLines(data.resolve("ImageSets/Segmentation/val.txt"))) {
            if (id.isBlank()) {
                continue;
            }
            byte[] gt = dev.weaktr.io.LabelPng.read(data.resolve("SegmentationClass").resolve(id + ".png")).labels();
            byte[] pr = dev.weaktr.io.LabelPng.read(pred.resolve(id + ".png")).labels();
            for (int i = 0; i < gt.length; i++) {
                if ((gt[i] & 0xff) != 255) {
                    counts[gt[i] & 0xff][pr[i] & 0xff]++;
                }
            }
        }
        JsonNode pm = metrics(pred);
        double[] hand = handScores(counts);
        for (int g = 0; g < 6; g++) {
            for (int p = 0; p < 6; p++) {
                assertEquals(counts[g][p], pm.get("confusion").get(g).get(p).asLong());
            }
        }
        assertEquals(hand[1], pm.get("precision").asDouble(), 1e-9);
        assertEquals(hand[2], pm.get("recall").asDouble(), 1e-9);
        assertEquals(hand[0], pm.get("mIoU").asDouble(), 1e-9);
    }

    @Test
    void perClassTableIsEachRowsPerClassIoU() throws Exception {
        Map<String, Path> sources = Map.of("cam · refined CAM", camsVal, "cam · fused CAM", camsFused, "seg", pred);
        for (Map.Entry<String, Path> e : sources.entrySet()) {
            JsonNode perClass = metrics(e.getValue()).get("per_class");
            Element r = row("per-class", e.getKey());
            assertEquals(perClass.size(), r.select("td[data-col]").size());
            perClass.fields().forEachRemaining(c -> {
                String shown = r.selectFirst("td[data-col=" + c.getKey() + "]").text();
                if (c.getValue().isNull()) {
                    assertEquals("n/a", shown);
                } else {
                    near(c.getValue().asDouble(), Double.parseDouble(shown), 2, e.getKey() + " " + c.getKey());
                }
            });
        }
    }

    @Test
    void chartsGalleryConfusionAndProvenance() throws Exception {
        // per-class bars, threshold curves, and one chart per quantity of the two logs
        Set<String> quantities = new HashSet<>();
        for (Path run : List.of(cam, seg)) {
            for (String line : Files.readAllLines(run.resolve("log.jsonl"))) {
                JSON.readTree(line).fields().forEachRemaining(f -> {
                    if (f.getValue().isNumber() && !Set.of("epoch", "step", "seconds", "skipped_steps").contains(f.getKey())) {
                        quantities.add(f.getKey());
                    }
                });
            }
        }
        assertTrue(quantities.containsAll(List.of("loss_fine", "kept", "grad_norm", "lr")), quantities.toString());
        assertEquals(quantities, new HashSet<>(doc.select("#training figure").eachAttr("data-quantity")));
        assertEquals(2 + quantities.size(), doc.select("svg").size());
        // the threshold chart has a line per CAMS folder: JFreeChart's legend names them
        assertTrue(doc.selectFirst("#threshold").text().contains("cam · fused CAM"));
        // gallery: --images 4 rows of image, truth and the three rows' pictures
        assertEquals(4, doc.select("#gallery tr.gallery-row").size());
        for (Element tr : doc.select("#gallery tr.gallery-row")) {
            assertEquals(5, tr.select("img").size());
        }
        assertEquals(3, doc.select("details.confusion").size());
        Element confusion = doc.selectFirst("details.confusion table");
        assertEquals(6, confusion.select("tbody tr").size());
        assertTrue(confusion.text().contains("background"));
        // the retraining row's heat map is pred/metrics.json's confusion, as % of each true class
        Element segConfusion = doc.select("details.confusion").get(2);
        assertTrue(segConfusion.selectFirst("summary").text().startsWith("seg"), segConfusion.selectFirst("summary").text());
        JsonNode counts = metrics(pred).get("confusion");
        List<Element> trs = segConfusion.select("tbody tr");
        for (int g = 0; g < 6; g++) {
            long total = 0;
            for (int q = 0; q < 6; q++) {
                total += counts.get(g).get(q).asLong();
            }
            List<Element> tds = trs.get(g).select("td");
            for (int q = 0; q < 6; q++) {
                double share = total == 0 ? 0 : 100.0 * counts.get(g).get(q).asLong() / total;
                String shown = tds.get(q).text();
                if (shown.isEmpty()) {
                    assertTrue(share < 0.5, g + "," + q + ": " + share);
                } else {
                    assertEquals(share, Double.parseDouble(shown), 0.5 + 1e-9, g + "," + q);
                }
            }
        }
        // provenance: each run's run.json, verbatim in content
        JsonNode runJson = JSON.readTree(seg.resolve("run.json").toFile());
        boolean found = false;
        for (Element pre : doc.select("details.provenance pre")) {
            try {
                found |= JSON.readTree(pre.wholeText()).equals(runJson);
            } catch (Exception notJson) {
                // other blocks
            }
        }
        assertTrue(found, "seg/run.json is not in a provenance block");
    }

    @Test
    void worstFirstOrdersTheGalleryByPerImageScore() {
        List<String> ids = doc.select("#gallery tr.gallery-row").eachAttr("data-id");
        assertEquals(4, ids.size());
        double previous = -1;
        for (String id : ids) {
            Element tr = doc.selectFirst("#gallery tr[data-id=" + id + "]");
            double sum = 0;
            int n = 0;
            for (Element td : tr.select("td")) {
                String t = td.ownText();
                if (t.startsWith("mIoU ") && !t.contains("n/a")) {
                    sum += Double.parseDouble(t.substring(5));
                    n++;
                }
            }
            double mean = sum / n;
            assertTrue(mean >= previous - 0.1, ids + ": " + mean + " after " + previous);
            previous = mean;
        }
    }

    @Test
    void pageReferencesNothingOnANetwork() throws Exception {
        String html = Files.readString(page);
        assertTrue(doc.select("script[src], link, iframe, object, embed, base, form").isEmpty());
        for (Element e : doc.getAllElements()) {
            for (Attribute a : e.attributes()) {
                String key = a.getKey().toLowerCase(Locale.ROOT);
                if (key.equals("src") || key.endsWith("href") || key.equals("srcset") || key.equals("poster") || key.equals("action")) {
                    assertTrue(a.getValue().startsWith("data:image/png;base64,") || a.getValue().startsWith("#"),
                            e.tagName() + " " + key + "=" + a.getValue().substring(0, Math.min(60, a.getValue().length())));
                }
            }
        }
        assertFalse(Pattern.compile("url\\(\\s*['\"]?(https?:|//)", Pattern.CASE_INSENSITIVE).matcher(html).find());
        assertFalse(html.contains("@import"));
        // the only http(s) strings are XML namespace names on the inline SVGs
        Set<String> urls = new HashSet<>();
        var m = Pattern.compile("https?://[^\"' )<>]+").matcher(html);
        while (m.find()) {
            urls.add(m.group());
        }
        assertTrue(Set.of("http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink", "http://www.jfree.org/jfreesvg/svg")
                .containsAll(urls), urls.toString());
    }

    @Test
    void runWithoutLogHasNoCurves() throws Exception {
        Path bare = tmp.resolve("bare-run");
        Files.createDirectories(bare);
        Files.copy(seg.resolve("run.json"), bare.resolve("run.json"));
        Path out = tmp.resolve("bare.html");
        ok("report", "--data", data.toString(), "--split", "val", "--out", out.toString(), bare.toString());
        Document d = Jsoup.parse(out.toFile(), "UTF-8");
        assertEquals(List.of("bare-run"), d.select("#summary tbody tr").eachAttr("data-row"));
        assertTrue(d.select("svg").isEmpty());
        assertTrue(d.select("#training, #gallery").isEmpty());
    }

    @Test
    void badInputsGetOneLineNamingTheFolderAndExit2() throws Exception {
        Path stranger = Files.createDirectories(tmp.resolve("holiday-photos"));
        Files.writeString(stranger.resolve("notes.txt"), "hello");
        Path noMetrics = tmp.resolve("pred-unscored");
        copyTree(pred, noMetrics);
        Files.delete(noMetrics.resolve("metrics.json"));
        // another dataset of the same classes and image names: its CAMs
        Path other = tmp.resolve("other-data");
        ok("synth", "--out", other.toString(), "--train", "8", "--val", "6", "--size", "64", "--seed", "9");
        Path otherCams = tmp.resolve("other-cams");
        ok("cams", "--run", cam.toString(), "--data", other.toString(), "--split", "val", "--out", otherCams.toString(), "--scales", "1.0");
        ok("eval-cam", "--cams", otherCams.toString(), "--data", other.toString(), "--split", "val");
        Map<Path, String> cases = Map.of(
                stranger, "neither a run nor an output of weaktr",
                noMetrics, "has no metrics.json",
                camsTrain, "split 'train'",
                otherCams, "dataset");
        for (Map.Entry<Path, String> c : cases.entrySet()) {
            Object[] r = fail("report", "--data", data.toString(), "--split", "val", "--out", tmp.resolve("bad.html").toString(),
                    pred.toString(), c.getKey().toString());
            String err = ((String) r[1]).strip();
            assertEquals(2, (int) r[0], err);
            assertEquals(1, err.lines().count(), err);
            assertTrue(err.contains(c.getKey().toString()) && err.contains(c.getValue()), err);
        }
        assertFalse(Files.exists(tmp.resolve("bad.html")));
    }

    @Test
    void headlessChromiumRendersThePageWithoutErrors() throws Exception {
        Optional<Path> chromium = HeadlessChromium.find();
        if (chromium.isEmpty()) {
            // on CI a missing browser is a failure, not a skip
            assertTrue(System.getenv("CI") == null,
                    "chromium is not on PATH but CI is set: .ci/run installs it (apt-get install -y chromium)");
            Assumptions.abort("browser test skipped: no chromium on PATH (install Debian's chromium package to run it)");
        }
        // the checker itself: a page that logs an error must be caught
        Path broken = tmp.resolve("broken.html");
        Files.writeString(broken, "<!DOCTYPE html><html><body><p>x</p><script>console.error('boom')</script></body></html>");
        try (HeadlessChromium browser = new HeadlessChromium(chromium.get())) {
            HeadlessChromium.PageLoad load = browser.load(broken, 400);
            assertTrue(load.errors().stream().anyMatch(e -> e.contains("boom")), load.errors().toString());
        }
        try (HeadlessChromium browser = new HeadlessChromium(chromium.get())) {
            HeadlessChromium.PageLoad load = browser.load(page, 1280);
            assertEquals(List.of(), load.errors(), "console errors");
            assertEquals(List.of(), load.requests(), "network requests");
            BufferedImage shot = ImageIO.read(new ByteArrayInputStream(load.screenshotPng()));
            String keep = System.getProperty("weaktr.report.keep"); // -Dweaktr.report.keep=DIR keeps the page and its screenshot
            if (keep != null) {
                Files.createDirectories(Path.of(keep));
                Files.write(Path.of(keep, "report.png"), load.screenshotPng());
                Files.copy(page, Path.of(keep, "report.html"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            assertEquals(1280, shot.getWidth());
            assertTrue(shot.getHeight() > 1500, "page height " + shot.getHeight());
            // not blank: many distinct colours (pictures, charts) and a good share of non-white pixels
            Set<Integer> colours = new HashSet<>();
            long ink = 0;
            for (int y = 0; y < shot.getHeight(); y += 2) {
                for (int x = 0; x < shot.getWidth(); x += 2) {
                    int rgb = shot.getRGB(x, y) & 0xffffff;
                    colours.add(rgb);
                    ink += rgb == 0xffffff ? 0 : 1;
                }
            }
            assertTrue(colours.size() > 500, colours.size() + " colours");
            assertTrue(ink > shot.getWidth() * shot.getHeight() / 4 / 20, ink + " non-white samples");
        }
    }

    static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
