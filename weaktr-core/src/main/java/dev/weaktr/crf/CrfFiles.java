package dev.weaktr.crf;

import dev.weaktr.WeaktrException;
import dev.weaktr.io.ImageFiles;
import dev.weaktr.io.Npy;
import dev.weaktr.io.RgbImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** File-level CRF: an image and a {@code [M, H, W]} probability .npy in, refined probabilities out. */
public final class CrfFiles {
    private CrfFiles() {}

    /** One image to refine: RGB image, probabilities P [M, H, W] float32 .npy, output Q .npy. */
    public record Job(Path image, Path probs, Path out) {}

    /**
     * Reads {@code job.image()} and {@code job.probs()}, refines with the softmax unary and writes Q
     * (float32, same shape) to {@code job.out()} atomically.
     *
     * @return the shape [M, H, W]
     */
    public static int[] refine(MeanField worker, Job job, CrfConfig cfg) {
        RgbImage image = ImageFiles.readRgb(job.image());
        Npy.FloatArray p = Npy.read(job.probs());
        int[] s = p.shape();
        if (s.length != 3) {
            throw new WeaktrException(job.probs() + ": expected a 3-d array [labels, height, width], got shape "
                    + java.util.Arrays.toString(s));
        }
        if (s[1] != image.height() || s[2] != image.width()) {
            throw new WeaktrException(job.probs() + ": probability map is " + s[2] + "x" + s[1] + " (WxH) but image "
                    + job.image() + " is " + image.width() + "x" + image.height());
        }
        DenseCrf.checkProbabilities(p.data(), s[0], s[2], s[1], job.probs().toString());
        float[] q = DenseCrf.refine(worker, image, p.data(), s[0], cfg);
        Npy.write(job.out(), q, s);
        return s;
    }

    /** Refines every job on the runner's threads; returns the shapes in order. */
    public static List<int[]> refineAll(CrfRunner runner, List<Job> jobs, CrfConfig cfg) {
        return new ArrayList<>(runner.map(jobs, (worker, job) -> refine(worker, job, cfg)));
    }
}
