package dev.weaktr.data.coco;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.weaktr.io.ImageFiles;
import dev.weaktr.io.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Benchmark input: a synthetic COCO instances file with N tiny images (64×48) and a few polygons
 * and RLEs each, COCO's 80 category ids, annotations in shuffled image order, 1% of images without
 * annotations. Every image entry is a symlink to one shared tiny JPEG.
 *
 * <p>{@code java -cp ... dev.weaktr.data.coco.SyntheticCoco DIR [N]} writes DIR/images/ and
 * DIR/instances_synth.json.
 */
public final class SyntheticCoco {
    static final int W = 64, H = 48;
    static final int[] UNUSED = {12, 26, 29, 30, 45, 66, 68, 69, 71, 83};

    private SyntheticCoco() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 40_000;
        long t0 = System.nanoTime();
        generate(dir, n, 1);
        System.err.printf("generated %d images in %.1f s: %s%n", n, (System.nanoTime() - t0) / 1e9, dir);
    }

    /** Writes DIR/images/ and DIR/instances_synth.json; returns the annotations file. */
    public static Path generate(Path dir, int n, long seed) throws IOException {
        Path images = Files.createDirectories(dir.resolve("images"));
        Path shared = dir.resolve("shared.jpg");
        ImageFiles.write(shared, new RgbImage(W, H, new byte[W * H * 3]));
        for (int i = 0; i < n; i++) {
            Path link = images.resolve(fileName(i));
            if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, shared.toAbsolutePath());
            }
        }
        Path json = dir.resolve("instances_synth.json");
        Random rnd = new Random(seed);
        int[] perImage = new int[n];
        for (int i = 0; i < n; i++) {
            perImage[i] = rnd.nextInt(100) == 0 ? 0 : 2 + rnd.nextInt(11);
        }
        try (JsonGenerator g = new JsonFactory().createGenerator(json.toFile(), JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeObjectFieldStart("info");
            g.writeStringField("description", "synthetic weaktr benchmark");
            g.writeEndObject();
            g.writeArrayFieldStart("images");
            for (int i = 0; i < n; i++) {
                g.writeStartObject();
                g.writeNumberField("id", 1000 + i);
                g.writeStringField("file_name", fileName(i));
                g.writeNumberField("width", W);
                g.writeNumberField("height", H);
                g.writeEndObject();
            }
            g.writeEndArray();
            writeAnnotations(g, perImage, rnd);
            g.writeArrayFieldStart("categories");
            for (int id = 1, k = 0; id <= 90; id++) {
                if (java.util.Arrays.binarySearch(UNUSED, id) < 0) {
                    g.writeStartObject();
                    g.writeNumberField("id", id);
                    g.writeStringField("name", "class " + k++);
                    g.writeEndObject();
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return json;
    }

    static String fileName(int i) {
        return String.format("SYNTH_%012d.jpg", 1000 + i);
    }

    private static void writeAnnotations(JsonGenerator g, int[] perImage, Random rnd) throws IOException {
        int n = perImage.length;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        g.writeArrayFieldStart("annotations");
        long id = 1;
        for (int i : order) {
            for (int a = 0; a < perImage[i]; a++) {
                int cat;
                do {
                    cat = 1 + rnd.nextInt(90);
                } while (java.util.Arrays.binarySearch(UNUSED, cat) >= 0);
                g.writeStartObject();
                g.writeNumberField("id", id++);
                g.writeNumberField("image_id", 1000 + i);
                g.writeNumberField("category_id", cat);
                int kind = rnd.nextInt(10);
                g.writeNumberField("iscrowd", kind == 9 ? 1 : 0);
                g.writeFieldName("segmentation");
                double area = kind < 7 ? writePolygon(g, rnd) : writeRle(g, rnd, kind == 9);
                g.writeNumberField("area", area);
                g.writeArrayFieldStart("bbox");
                g.writeEndArray();
                g.writeEndObject();
            }
        }
        g.writeEndArray();
    }

    /** A random star-shaped polygon with 2-decimal coordinates (as in COCO); returns its area. */
    private static double writePolygon(JsonGenerator g, Random rnd) throws IOException {
        int k = 3 + rnd.nextInt(40);
        double cx = rnd.nextDouble() * W, cy = rnd.nextDouble() * H, r = 3 + rnd.nextDouble() * 20;
        double[] xy = new double[2 * k];
        for (int j = 0; j < k; j++) {
            double ang = 2 * Math.PI * j / k, rr = r * (0.5 + 0.5 * rnd.nextDouble());
            xy[2 * j] = Math.round((cx + rr * Math.cos(ang)) * 100) / 100.0;
            xy[2 * j + 1] = Math.round((cy + rr * Math.sin(ang)) * 100) / 100.0;
        }
        g.writeStartArray();
        g.writeArray(xy, 0, xy.length);
        g.writeEndArray();
        double area = 0;
        for (int j = 0; j < k; j++) {
            int nj = (j + 1) % k;
            area += xy[2 * j] * xy[2 * nj + 1] - xy[2 * nj] * xy[2 * j + 1];
        }
        return Math.abs(area) / 2;
    }

    /** A random rectangle as RLE, compressed string or (crowd) uncompressed counts; returns its area. */
    private static double writeRle(JsonGenerator g, Random rnd, boolean uncompressed) throws IOException {
        int x0 = rnd.nextInt(W - 1), y0 = rnd.nextInt(H - 1);
        int x1 = x0 + 1 + rnd.nextInt(W - x0 - 1), y1 = y0 + 1 + rnd.nextInt(H - y0 - 1);
        Rle rle = PolygonRasterizer.rasterize(new double[] {x0, y0, x1, y0, x1, y1, x0, y1}, H, W);
        g.writeStartObject();
        g.writeArrayFieldStart("size");
        g.writeNumber(H);
        g.writeNumber(W);
        g.writeEndArray();
        if (uncompressed) {
            g.writeFieldName("counts");
            g.writeArray(rle.counts(), 0, rle.counts().length);
        } else {
            g.writeStringField("counts", RleString.encode(rle.counts()));
        }
        g.writeEndObject();
        return rle.area();
    }
}
