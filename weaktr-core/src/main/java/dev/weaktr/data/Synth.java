package dev.weaktr.data;

import dev.weaktr.WeaktrException;
import dev.weaktr.io.AtomicFiles;
import dev.weaktr.io.ImageFiles;
import dev.weaktr.io.LabelPng;
import dev.weaktr.io.LabelPng.LabelMap;
import dev.weaktr.io.RgbImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * A procedural weakly-supervised segmentation benchmark in the VOC layout that {@link VocDataset}
 * reads: five object classes told apart by shape and texture (see {@link SynthShape}), 1-4 objects
 * per image with occlusion, cluttered textured backgrounds, a 255 band on region borders.
 *
 * <p>Each image has its own generator seeded from (seed, split, index), so the same seed gives
 * byte-identical files, and an image does not change when the other split's count changes.
 */
public final class Synth {
    /** What was written: image counts per split and, per foreground class, the images that contain it. */
    public record Report(Path root, int train, int val, ClassList classes, int[] imagesPerClass) {}

    private Synth() {}

    /** The benchmark's classes: background then the five shapes. */
    public static ClassList classes() {
        List<String> names = new ArrayList<>(List.of("background"));
        for (SynthShape s : SynthShape.values()) {
            names.add(s.className);
        }
        return ClassList.of(names);
    }

    /**
     * The single-class variant ({@code synth --single-class NAME [--distractors]}): only the shape {@code name}
     * is labelled; with {@code distractors} the four other shapes appear as unlabelled objects (background in the
     * masks); a share {@code negatives} of the images holds no object of the class.
     */
    public record SingleClass(String name, boolean distractors, double negatives) {
        public SingleClass {
            shape(name);
            if (!(negatives >= 0 && negatives < 1)) {
                throw new WeaktrException("--negatives must be in [0, 1), got " + negatives);
            }
        }

        SynthShape shape() {
            return shape(name);
        }

        private static SynthShape shape(String name) {
            for (SynthShape s : SynthShape.values()) {
                if (s.className.equals(name)) {
                    return s;
                }
            }
            throw new WeaktrException("--single-class '" + name + "' is not a synth class; expected one of "
                    + classes().names().subList(1, classes().size()));
        }
    }

    /** Writes the dataset under {@code root} (created if needed); split files are written last. */
    public static Report generate(SynthConfig cfg, Path root) {
        return generate(cfg, null, root);
    }

    /** @param single the single-class variant, or null for the five-class benchmark */
    public static Report generate(SynthConfig cfg, SingleClass single, Path root) {
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new WeaktrException("--out " + root + " exists and is not a folder");
        }
        ClassList classes = single == null ? classes() : ClassList.of(List.of("background", single.name()));
        int[] perClass = new int[classes.numForeground()];
        StringBuilder labels = new StringBuilder();
        List<String> trainIds = writeSplit(cfg, single, root, "train", 0, cfg.train(), labels, perClass);
        List<String> valIds = writeSplit(cfg, single, root, "val", 1, cfg.val(), labels, perClass);
        classes.write(root.resolve(VocDataset.CLASSES_FILE));
        AtomicFiles.writeString(root.resolve(VocDataset.LABELS_FILE), labels.toString());
        Path splits = root.resolve(VocDataset.SPLITS);
        AtomicFiles.writeString(splits.resolve("train.txt"), lines(trainIds));
        AtomicFiles.writeString(splits.resolve("val.txt"), lines(valIds));
        return new Report(root, cfg.train(), cfg.val(), classes, perClass);
    }

    private static List<String> writeSplit(SynthConfig cfg, SingleClass single, Path root, String split, int splitIndex,
            int count, StringBuilder labels, int[] perClass) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = String.format("%s_%05d", split, i);
            SplittableRandom rng = new SplittableRandom(imageSeed(cfg.seed(), splitIndex, i));
            SynthRenderer.Focus focus = single == null ? null
                    : new SynthRenderer.Focus(single.shape(), single.distractors(), rng.nextDouble() < single.negatives());
            SynthRenderer.Sample sample = SynthRenderer.render(cfg, rng, focus);
            writeJpeg(root.resolve(VocDataset.IMAGES).resolve(id + ".jpg"), sample.image(), cfg.jpegQuality());
            LabelPng.write(root.resolve(VocDataset.MASKS).resolve(id + ".png"), sample.mask());
            labels.append(id);
            boolean[] present = present(sample.mask(), perClass.length);
            for (int k = 0; k < present.length; k++) {
                if (present[k]) {
                    labels.append(' ').append(k + 1);
                    perClass[k]++;
                }
            }
            labels.append('\n');
            ids.add(id);
        }
        return ids;
    }

    /** Foreground classes present in a mask, {@code [C]}: element k = class k+1. */
    static boolean[] present(LabelMap mask, int numForeground) {
        boolean[] hot = new boolean[numForeground];
        for (byte b : mask.labels()) {
            int v = b & 0xff;
            if (v != 0 && v != LabelPng.IGNORE) {
                hot[v - 1] = true;
            }
        }
        return hot;
    }

    static long imageSeed(long seed, int split, int index) {
        long golden = 0x9E3779B97F4A7C15L;
        long s = SynthRenderer.mix64(seed + golden * (split + 1));
        return SynthRenderer.mix64(s + golden * (index + 1L));
    }

    private static String lines(List<String> ids) {
        return ids.isEmpty() ? "" : String.join("\n", ids) + "\n";
    }

    /** Baseline JPEG at a fixed quality; ImageIO's encoder is deterministic. */
    static void writeJpeg(Path file, RgbImage image, float quality) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.setOutput(out);
            writer.write(null, new IIOImage(ImageFiles.toBufferedImage(image), null, null), param);
        } catch (IOException e) {
            throw new WeaktrException("cannot encode " + file + ": " + e.getMessage(), e);
        } finally {
            writer.dispose();
        }
        AtomicFiles.writeBytes(file, bytes.toByteArray());
    }
}
