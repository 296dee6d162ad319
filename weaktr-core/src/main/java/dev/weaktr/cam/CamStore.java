package dev.weaktr.cam;

import dev.weaktr.WeaktrException;
import dev.weaktr.io.AtomicFiles;
import dev.weaktr.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CAMS folder: {@code <id>.npy} = float32 [K, H, W] maps of the image's K labelled classes (numpy
 * readable), {@code overlays/<id>.png}, and {@code cams.tsv} (written last): per image
 * {@code id <TAB> height width <TAB> class indices of its K maps}. An image with no labelled class has an
 * empty list and no .npy.
 */
public final class CamStore {
    public static final String INDEX = "cams.tsv";
    private final Path dir;
    private final Map<String, Entry> index;

    /** One line of the index. */
    public record Entry(int height, int width, int[] classes) {}

    private CamStore(Path dir, Map<String, Entry> index) {
        this.dir = dir;
        this.index = index;
    }

    /** Where the CAMs came from ({@code cams.json}): the dataset, split and run, and the inference settings. */
    public record Source(String data, String split, String run, double[] scales, boolean flip, boolean patchRefine) {}

    public static final String SOURCE = "cams.json";

    public static void writeSource(Path dir, Source source) {
        try {
            AtomicFiles.writeString(dir.resolve(SOURCE), new com.fasterxml.jackson.databind.ObjectMapper()
                    .writerWithDefaultPrettyPrinter().writeValueAsString(source) + "\n");
        } catch (IOException e) {
            throw new WeaktrException("cannot write " + dir.resolve(SOURCE) + ": " + e.getMessage(), e);
        }
    }

    /** The dataset split the CAMs were generated from (for the images a CRF needs). */
    public dev.weaktr.data.VocDataset sourceDataset() {
        Path file = dir.resolve(SOURCE);
        try {
            Source s = new com.fasterxml.jackson.databind.ObjectMapper().readValue(file.toFile(), Source.class);
            return dev.weaktr.data.VocDataset.open(Path.of(s.data()), s.split());
        } catch (IOException e) {
            throw new WeaktrException("cannot read " + file + " (needed to find the images for the CRF): " + e.getMessage(), e);
        }
    }

    public static void writeMaps(Path dir, String id, CamInference.Cams cams) {
        if (cams.classes().length > 0) {
            Npy.write(dir.resolve(id + ".npy"), cams.maps(), cams.classes().length, cams.height(), cams.width());
        }
    }

    /** Writes the index last: a folder without it is visibly unfinished. */
    public static void writeIndex(Path dir, Map<String, Entry> entries) {
        StringBuilder s = new StringBuilder();
        entries.forEach((id, e) -> {
            int[] cls = e.classes();
            s.append(id).append('\t').append(e.height()).append(' ').append(e.width()).append('\t');
            for (int i = 0; i < cls.length; i++) {
                s.append(i == 0 ? "" : " ").append(cls[i]);
            }
            s.append('\n');
        });
        AtomicFiles.writeString(dir.resolve(INDEX), s.toString());
    }

    public static CamStore open(Path dir) {
        Path file = dir.resolve(INDEX);
        if (!Files.isRegularFile(file)) {
            throw new WeaktrException("not a finished CAMS folder: " + dir + " has no " + INDEX
                    + " (expected the --out folder of 'weaktr cams')");
        }
        Map<String, Entry> index = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.split("\t", -1);
                String[] size = parts[1].trim().split(" ");
                String[] cls = parts.length > 2 ? parts[2].trim().split("\\s+") : new String[0];
                index.put(parts[0], new Entry(Integer.parseInt(size[0]), Integer.parseInt(size[1]),
                        java.util.Arrays.stream(cls).filter(t -> !t.isEmpty()).mapToInt(Integer::parseInt).toArray()));
            }
        } catch (IOException | RuntimeException e) {
            throw new WeaktrException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return new CamStore(dir, index);
    }

    public List<String> ids() {
        return new ArrayList<>(index.keySet());
    }

    public boolean contains(String id) {
        return index.containsKey(id);
    }

    /** The CAMs of one image at the size recorded in the index. */
    public CamInference.Cams read(String id) {
        Entry e = entry(id);
        return read(id, e.height(), e.width());
    }

    public Entry entry(String id) {
        Entry e = index.get(id);
        if (e == null) {
            throw new WeaktrException(dir + " has no CAMs for image '" + id + "'");
        }
        return e;
    }

    /** The CAMs of one image, checked against the expected size; K = 0 when the image has no class. */
    public CamInference.Cams read(String id, int height, int width) {
        int[] cls = entry(id).classes();
        if (cls.length == 0) {
            return new CamInference.Cams(cls, new float[0], height, width);
        }
        Npy.FloatArray a = Npy.read(dir.resolve(id + ".npy"));
        int[] s = a.shape();
        if (s.length != 3 || s[0] != cls.length || s[1] != height || s[2] != width) {
            throw new WeaktrException(dir.resolve(id + ".npy") + " has shape " + java.util.Arrays.toString(s)
                    + "; expected [" + cls.length + ", " + height + ", " + width + "] (image size and labelled classes)");
        }
        return new CamInference.Cams(cls, a.data(), height, width);
    }
}
