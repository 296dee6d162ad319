package dev.weaktr.data.coco;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.weaktr.WeaktrException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a COCO instances file in one streaming pass (Jackson {@link JsonParser}, no tree of the
 * file): images, categories and compact per-image annotation records, in whatever order the
 * top-level arrays come. Malformed segmentations are reported per annotation and skipped; a file
 * that is not a COCO instances file is a {@link WeaktrException}.
 */
public final class CocoJsonReader {
    /** What the file holds. {@code annotationsByImage} keeps file order within each image. */
    public record Contents(
            List<CocoImage> images,
            List<CocoCategory> categories,
            Map<Long, List<CocoAnnotation>> annotationsByImage,
            int annotationCount,
            List<ImportProblem> problems) {}

    private static final int PROGRESS_EVERY = 20_000;

    private final Path file;
    private final ImportProgress progress;
    private final List<CocoImage> images = new ArrayList<>();
    private final List<CocoCategory> categories = new ArrayList<>();
    private final Map<Long, List<CocoAnnotation>> byImage = new HashMap<>();
    private final List<ImportProblem> problems = new ArrayList<>();
    private final List<String> shapeProblems = new ArrayList<>();
    private double[] numbers = new double[256];
    private int annotationCount;

    private CocoJsonReader(Path file, ImportProgress progress) {
        this.file = file;
        this.progress = progress;
    }

    /** Reads {@code file}; progress is reported as ("reading", annotations read, -1). */
    public static Contents read(Path file, ImportProgress progress) {
        if (!Files.isRegularFile(file)) {
            throw new WeaktrException("--annotations: no such file: " + file + " (expected a COCO instances_*.json)");
        }
        CocoJsonReader reader = new CocoJsonReader(file, progress);
        try (JsonParser p = new JsonFactory().createParser(file.toFile())) {
            reader.readTop(p);
        } catch (IOException e) {
            throw new WeaktrException("cannot parse annotations file " + file + ": " + e.getMessage(), e);
        }
        return new Contents(List.copyOf(reader.images), List.copyOf(reader.categories), reader.byImage,
                reader.annotationCount, reader.problems);
    }

    private WeaktrException malformed(String what) {
        return new WeaktrException("annotations file " + file + " is not a COCO instances file: " + what);
    }

    private void readTop(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw malformed("expected a JSON object at the top level");
        }
        boolean sawImages = false, sawAnnotations = false, sawCategories = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "images" -> {
                    expectArray(t, name);
                    sawImages = true;
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        readImage(p);
                    }
                }
                case "annotations" -> {
                    expectArray(t, name);
                    sawAnnotations = true;
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        readAnnotation(p);
                    }
                }
                case "categories" -> {
                    expectArray(t, name);
                    sawCategories = true;
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        readCategory(p);
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (!sawImages || !sawAnnotations || !sawCategories) {
            throw malformed("expected the top-level arrays \"images\", \"annotations\" and \"categories\"");
        }
    }

    private void expectArray(JsonToken t, String name) {
        if (t != JsonToken.START_ARRAY) {
            throw malformed("\"" + name + "\" is not an array");
        }
    }

    /** A numeric value as long, or {@code Long.MIN_VALUE} (and the value skipped) if not a number. */
    private static long longValue(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT) {
            return p.getLongValue();
        }
        if (t == JsonToken.VALUE_NUMBER_FLOAT && p.getDoubleValue() == Math.rint(p.getDoubleValue())) {
            return (long) p.getDoubleValue();
        }
        p.skipChildren();
        return Long.MIN_VALUE;
    }

    private static boolean isNumber(JsonToken t) {
        return t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT;
    }

    private void readImage(JsonParser p) throws IOException {
        int index = images.size();
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw malformed("images[" + index + "] is not an object");
        }
        long id = Long.MIN_VALUE, width = Long.MIN_VALUE, height = Long.MIN_VALUE;
        String fileName = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken t = p.nextToken();
            switch (f) {
                case "id" -> id = longValue(p, t);
                case "width" -> width = longValue(p, t);
                case "height" -> height = longValue(p, t);
                case "file_name" -> fileName = t == JsonToken.VALUE_STRING ? p.getText() : null;
                default -> p.skipChildren();
            }
        }
        if (id == Long.MIN_VALUE || fileName == null || fileName.isEmpty()) {
            throw malformed("images[" + index + "] lacks a numeric \"id\" or a \"file_name\"");
        }
        if (width <= 0 || height <= 0 || width * height > Integer.MAX_VALUE) {
            throw malformed("image " + id + " (" + fileName + ") has no valid \"width\"/\"height\" (got "
                    + (width == Long.MIN_VALUE ? "none" : width) + "×" + (height == Long.MIN_VALUE ? "none" : height) + ")");
        }
        images.add(new CocoImage(id, fileName, (int) width, (int) height));
    }

    private void readCategory(JsonParser p) throws IOException {
        int index = categories.size();
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw malformed("categories[" + index + "] is not an object");
        }
        long id = Long.MIN_VALUE;
        String name = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken t = p.nextToken();
            switch (f) {
                case "id" -> id = longValue(p, t);
                case "name" -> name = t == JsonToken.VALUE_STRING ? p.getText() : null;
                default -> p.skipChildren();
            }
        }
        if (id <= 0 || id > Integer.MAX_VALUE || name == null || name.isBlank() || name.contains("\n")) {
            throw malformed("categories[" + index + "] needs a positive \"id\" and a one-line \"name\"");
        }
        categories.add(new CocoCategory((int) id, name));
    }

    private void readAnnotation(JsonParser p) throws IOException {
        int order = annotationCount++;
        if (annotationCount % PROGRESS_EVERY == 0) {
            progress.update("reading", annotationCount, -1);
        }
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw malformed("annotations[" + order + "] is not an object");
        }
        long id = Long.MIN_VALUE, imageId = Long.MIN_VALUE, categoryId = Long.MIN_VALUE;
        double area = Double.NaN;
        boolean crowd = false;
        Shape shape = null;
        boolean sawSegmentation = false;
        shapeProblems.clear();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken t = p.nextToken();
            switch (f) {
                case "id" -> id = longValue(p, t);
                case "image_id" -> imageId = longValue(p, t);
                case "category_id" -> categoryId = longValue(p, t);
                case "area" -> area = isNumber(t) ? p.getDoubleValue() : Double.NaN;
                case "iscrowd" -> crowd = t == JsonToken.VALUE_TRUE || (isNumber(t) && p.getDoubleValue() != 0);
                case "segmentation" -> {
                    sawSegmentation = true;
                    shape = readShape(p, t);
                }
                default -> p.skipChildren();
            }
        }
        long img = imageId == Long.MIN_VALUE ? -1 : imageId;
        if (id == Long.MIN_VALUE) {
            problems.add(new ImportProblem(-1, img, "annotations[" + order + "] has no numeric \"id\"; skipped"));
            return;
        }
        for (String s : shapeProblems) {
            problems.add(new ImportProblem(id, img, s));
        }
        if (imageId == Long.MIN_VALUE || categoryId == Long.MIN_VALUE) {
            problems.add(new ImportProblem(id, img, "no numeric \"image_id\" or \"category_id\"; skipped"));
            return;
        }
        if (!sawSegmentation) {
            problems.add(new ImportProblem(id, img, "no \"segmentation\"; skipped"));
            return;
        }
        if (shape == null) {
            return; // reported above
        }
        int category = categoryId > Integer.MAX_VALUE || categoryId < Integer.MIN_VALUE ? -1 : (int) categoryId;
        byImage.computeIfAbsent(imageId, k -> new ArrayList<>())
                .add(new CocoAnnotation(id, imageId, category, area, crowd, order, shape));
    }

    /** Reads a segmentation value; returns null (with a message in shapeProblems) when unusable. */
    private Shape readShape(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.START_ARRAY) {
            return readPolygons(p);
        }
        if (t == JsonToken.START_OBJECT) {
            return readRle(p);
        }
        p.skipChildren();
        shapeProblems.add("\"segmentation\" is neither a list of polygons nor an RLE object; skipped");
        return null;
    }

    private Shape readPolygons(JsonParser p) throws IOException {
        List<int[]> rings = new ArrayList<>();
        int ringIndex = 0;
        boolean flat = false;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken(), ringIndex++) {
            if (t != JsonToken.START_ARRAY) {
                flat |= isNumber(t);
                p.skipChildren();
                continue;
            }
            int n = readNumbers(p);
            if (n < 0) {
                shapeProblems.add("polygon " + ringIndex + " holds a non-number; polygon skipped");
            } else if (n < 6 || n % 2 != 0) {
                shapeProblems.add("polygon " + ringIndex + " has " + n
                        + " coordinates, expected an even count of at least 6 (3 points); polygon skipped");
            } else {
                int[] ring = new int[n];
                for (int i = 0; i < n; i++) {
                    ring[i] = PolygonRasterizer.upsample(numbers[i]);
                }
                rings.add(ring);
            }
        }
        if (flat) {
            shapeProblems.add("\"segmentation\" holds bare numbers; expected a list of polygons [[x0,y0,x1,y1,...],...]; skipped");
            return null;
        }
        if (rings.isEmpty()) {
            if (shapeProblems.isEmpty()) {
                shapeProblems.add("\"segmentation\" is an empty list; skipped");
            }
            return null;
        }
        return new Shape.Polygons(rings.toArray(new int[0][]));
    }

    /** Reads numbers up to the END_ARRAY into {@code numbers}; returns the count, or -1 on a non-number. */
    private int readNumbers(JsonParser p) throws IOException {
        int n = 0;
        boolean bad = false;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (!isNumber(t)) {
                bad = true;
                p.skipChildren();
                continue;
            }
            if (n == numbers.length) {
                numbers = Arrays.copyOf(numbers, 2 * n);
            }
            numbers[n++] = p.getDoubleValue();
        }
        return bad ? -1 : n;
    }

    private Shape readRle(JsonParser p) throws IOException {
        String string = null;
        int[] counts = null;
        int height = -1, width = -1;
        boolean badCounts = false, badSize = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken t = p.nextToken();
            if (f.equals("counts") && t == JsonToken.VALUE_STRING) {
                string = p.getText();
            } else if (f.equals("counts") && t == JsonToken.START_ARRAY) {
                int n = readNumbers(p);
                counts = n < 0 ? null : toCounts(n);
                badCounts = counts == null;
            } else if (f.equals("size") && t == JsonToken.START_ARRAY) {
                int n = readNumbers(p);
                badSize = n != 2 || !isCount(numbers[0]) || !isCount(numbers[1]);
                if (!badSize) {
                    height = (int) numbers[0];
                    width = (int) numbers[1];
                }
            } else {
                badCounts |= f.equals("counts");
                badSize |= f.equals("size");
                p.skipChildren();
            }
        }
        if (badCounts || (string == null && counts == null)) {
            shapeProblems.add("RLE \"counts\" must be a string or a list of non-negative integers; skipped");
            return null;
        }
        if (badSize || height < 0) {
            shapeProblems.add("RLE \"size\" must be [height, width]; skipped");
            return null;
        }
        return string != null ? new Shape.StringRle(height, width, string) : new Shape.CountsRle(height, width, counts);
    }

    private static boolean isCount(double v) {
        return v >= 0 && v <= Integer.MAX_VALUE && v == Math.rint(v);
    }

    private int[] toCounts(int n) {
        int[] counts = new int[n];
        for (int i = 0; i < n; i++) {
            if (!isCount(numbers[i])) {
                return null;
            }
            counts[i] = (int) numbers[i];
        }
        return counts;
    }
}
