package dev.weaktr.data;

import dev.weaktr.WeaktrException;
import dev.weaktr.io.AtomicFiles;
import dev.weaktr.io.LabelPng;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes the transfer benchmark ({@link CorpusRenderer.Split#TRANSFER}: shapes, textures and backgrounds the
 * pretraining corpus does not contain) as a dataset in the PASCAL VOC layout, like {@link Synth}: JPEG images,
 * masks, {@code image_labels.txt}, {@code classes.txt}, train and val splits (split files last). Each image has its
 * own generator seeded from (seed, split, index).
 */
public final class TransferBenchmark {
    private TransferBenchmark() {}

    public static ClassList classes() {
        List<String> names = new ArrayList<>(List.of("background"));
        names.addAll(CorpusRenderer.TRANSFER_CLASSES);
        return ClassList.of(names);
    }

    public static void generate(Path root, int train, int val, int size, long seed) {
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new WeaktrException("--out " + root + " exists and is not a folder");
        }
        if (train < 0 || val < 0 || size < 32) {
            throw new WeaktrException("--train and --val must be >= 0 and --size at least 32");
        }
        ClassList classes = classes();
        StringBuilder labels = new StringBuilder();
        List<String> trainIds = split(root, "train", 0, train, size, seed ^ 0x7A3F_0000_0000_0001L, labels);
        List<String> valIds = split(root, "val", 1, val, size, seed ^ 0x7A3F_0000_0000_0001L, labels);
        classes.write(root.resolve(VocDataset.CLASSES_FILE));
        AtomicFiles.writeString(root.resolve(VocDataset.LABELS_FILE), labels.toString());
        Path splits = root.resolve(VocDataset.SPLITS);
        AtomicFiles.writeString(splits.resolve("train.txt"), trainIds.isEmpty() ? "" : String.join("\n", trainIds) + "\n");
        AtomicFiles.writeString(splits.resolve("val.txt"), valIds.isEmpty() ? "" : String.join("\n", valIds) + "\n");
    }

    private static List<String> split(Path root, String name, int splitIndex, int count, int size, long seed,
            StringBuilder labels) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = String.format("%s_%05d", name, i);
            CorpusRenderer.Sample s = CorpusRenderer.render(CorpusRenderer.Split.TRANSFER, size,
                    new SplittableRandom(Synth.imageSeed(seed, splitIndex, i)));
            Synth.writeJpeg(root.resolve(VocDataset.IMAGES).resolve(id + ".jpg"), s.image(), 0.92f);
            LabelPng.write(root.resolve(VocDataset.MASKS).resolve(id + ".png"), s.mask());
            labels.append(id);
            boolean[] present = Synth.present(s.mask(), CorpusRenderer.TRANSFER_CLASSES.size());
            for (int k = 0; k < present.length; k++) {
                if (present[k]) {
                    labels.append(' ').append(k + 1);
                }
            }
            labels.append('\n');
            ids.add(id);
        }
        return ids;
    }
}
