package dev.weaktr.spark;

import dev.weaktr.WeaktrException;
import dev.weaktr.data.VocDataset;
import dev.weaktr.io.ImageFiles;
import dev.weaktr.io.RgbImage;
import dev.weaktr.train.BestCheckpoint;
import dev.weaktr.train.Checkpoint;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * Brings the small files the core API reads (run manifests and weights, a split's index files, one image at a time)
 * from a {@link RemoteFiles} folder into a local folder, so that the Spark jobs call the same core code as the
 * single-machine commands.
 */
final class Staging {
    private Staging() {}

    /** Copies a run folder's manifest and weights (run.json, checkpoint-best/checkpoint .safetensors) into {@code local}. */
    static Path run(RemoteFiles run, Path local) {
        if (!run.isDirectory("")) {
            throw new WeaktrException("--run " + run + ": not a readable run folder (expected the --out folder of "
                    + "'weaktr train-cam' or 'weaktr retrain')");
        }
        boolean any = false;
        for (String name : List.of("run.json", BestCheckpoint.FILE, Checkpoint.FILE)) {
            if (run.isFile(name)) {
                run.copyToLocal(name, local.resolve(name));
                any = true;
            }
        }
        if (!any) {
            throw new WeaktrException("--run " + run + ": has no run.json or checkpoint (expected the --out folder of "
                    + "'weaktr train-cam' or 'weaktr retrain')");
        }
        return local;
    }

    /**
     * The index of split {@code split} of a dataset folder (ids, classes, weak labels), staged into {@code local}:
     * classes.txt, image_labels.txt, the split lists, and, when the labels are derived from the masks, the split's
     * masks. The images stay where they are.
     */
    static VocDataset datasetIndex(RemoteFiles data, String split, Path local) {
        if (!data.isDirectory("")) {
            throw new WeaktrException("--data " + data + ": dataset folder not found (expected a PASCAL VOC style folder "
                    + "with JPEGImages/ and ImageSets/Segmentation/)");
        }
        if (!data.isDirectory(VocDataset.IMAGES)) {
            throw new WeaktrException("--data " + data + ": has no " + VocDataset.IMAGES + "/ folder");
        }
        for (String name : List.of(VocDataset.CLASSES_FILE, VocDataset.LABELS_FILE)) {
            if (data.isFile(name)) {
                data.copyToLocal(name, local.resolve(name));
            }
        }
        data.copyFolderToLocal(VocDataset.SPLITS, local.resolve(VocDataset.SPLITS));
        VocDataset ds = inTermsOf(data, local, () -> VocDataset.openIndex(local, split));
        if (!ds.hasLabelFile()) {
            for (String id : ds.ids()) {
                for (String dir : List.of(VocDataset.MASKS_AUG, VocDataset.MASKS)) {
                    String mask = dir + "/" + id + ".png";
                    if (data.isFile(mask)) {
                        data.copyToLocal(mask, local.resolve(mask));
                        break;
                    }
                }
            }
        }
        return ds;
    }

    /** Runs {@code f}; a user error's message names the remote folder rather than its local copy. */
    static <T> T inTermsOf(RemoteFiles remote, Path local, Supplier<T> f) {
        try {
            return f.get();
        } catch (WeaktrException e) {
            throw new WeaktrException(e.getMessage().replace(local.toString(), remote.uri()), e);
        }
    }

    /** Reads image {@code id} (JPEGImages/id.jpg) as the single-machine commands do (EXIF orientation applied). */
    static RgbImage image(RemoteFiles data, String id, Scratch scratch) {
        String name = VocDataset.IMAGES + "/" + id + ".jpg";
        Path local = scratch.resolve(name);
        data.copyToLocal(name, local);
        try {
            return inTermsOf(data, scratch.dir(), () -> ImageFiles.readRgb(local));
        } finally {
            Scratch.delete(local);
        }
    }
}
