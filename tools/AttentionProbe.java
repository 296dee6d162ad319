import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.data.Normalize;
import dev.weaktr.data.PilResize;
import dev.weaktr.data.VocDataset;
import dev.weaktr.eval.Baselines;
import dev.weaktr.eval.ThresholdSweep;
import dev.weaktr.io.LabelPng;
import dev.weaktr.io.WeightFile;
import dev.weaktr.nn.Parameters;
import dev.weaktr.nn.VisionTransformer;
import dev.weaktr.nn.VitConfig;
import dev.weaktr.weights.PretrainedInit;
import java.nio.file.Path;

/**
 * How object-centric a backbone's attention is, with no CAM training: the last block's class-token attention to the
 * patches (mean over heads), resized to the mask, min-max normalised, used as the map of every labelled class and
 * scored with a threshold sweep over 0.00-0.99 (wider than eval-cam's: attention maps peak narrowly), beside the
 * image-blind baselines scored with the same sweep. A DINO-pretrained backbone should beat a
 * random one and the baselines (Caron et al. 2021, Tab. 7 measures the same thing with Jaccard on PASCAL).
 *
 *   java -cp "weaktr-core/target/classes:weaktr-core/target/lib/*" tools/AttentionProbe.java DATA SPLIT [BACKBONE.safetensors | random] [SIZE]
 */
public class AttentionProbe {
    public static void main(String[] a) {
        VocDataset ds = VocDataset.open(Path.of(a[0]), a[1]);
        String source = a.length > 2 ? a[2] : "random";
        int size = a.length > 3 ? Integer.parseInt(a[3]) : 128;
        VitConfig cfg = VitConfig.CPU_DEMO.withImageSize(size);
        try (NDManager m = NDManager.newBaseManager()) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 0, false);
            VisionTransformer vit = new VisionTransformer(p, cfg, 1);
            if (!source.equals("random")) {
                System.out.println(PretrainedInit.apply(WeightFile.read(Path.of(source)), p, true).summary());
            }
            ThresholdSweep sweep = new ThresholdSweep(ds.classes().size(), 0, 0.99, 0.01);
            int g = size / cfg.patch();
            for (String id : ds.ids()) {
                LabelPng.LabelMap gt = ds.readMask(id);
                float[] x = Normalize.toChw(PilResize.bicubic(ds.readImage(id), size, size));
                float[] att;
                try (NDManager s = m.newSubManager()) {
                    NDArray img = s.create(x, new Shape(1, 3, size, size));
                    VisionTransformer.Output o = vit.forward(img, null, null);
                    NDArray last = o.layers().get(o.layers().size() - 1).attention(); // [1, H, N, N]
                    att = last.get(new NDIndex("0, :, 0, 1:")).mean(new int[] {0}).toFloatArray(); // [g*g]
                }
                float[] map = resize(att, g, gt.width(), gt.height());
                int[] labels = ds.labelIndices(id);
                int[] arg = new int[map.length];
                java.util.Arrays.fill(arg, labels.length == 0 ? 0 : labels[0]);
                sweep.add(gt.labels(), labels.length == 0 ? new float[map.length] : map, arg);
            }
            int best = sweep.best();
            System.out.printf(java.util.Locale.ROOT, "class-token attention (%s) on %s/%s: mIoU %.2f at threshold %.2f%n", source, a[0], a[1],
                    100 * sweep.matrix(best).meanIou(), sweep.thresholds()[best]);
            System.out.print(Baselines.line(Baselines.evaluate(ds, 0, 0.99, 0.01)));
        }
    }

    /** Bilinear (pixel centres) from a g×g grid to w×h, then min-max to [0, 1]. */
    static float[] resize(float[] grid, int g, int w, int h) {
        float[] out = new float[w * h];
        float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
        for (int y = 0; y < h; y++) {
            double gy = Math.max(0, Math.min(g - 1, (y + 0.5) * g / h - 0.5));
            int y0 = (int) gy, y1 = Math.min(g - 1, y0 + 1);
            double fy = gy - y0;
            for (int x = 0; x < w; x++) {
                double gx = Math.max(0, Math.min(g - 1, (x + 0.5) * g / w - 0.5));
                int x0 = (int) gx, x1 = Math.min(g - 1, x0 + 1);
                double fx = gx - x0;
                float v = (float) (grid[y0 * g + x0] * (1 - fx) * (1 - fy) + grid[y0 * g + x1] * fx * (1 - fy)
                        + grid[y1 * g + x0] * (1 - fx) * fy + grid[y1 * g + x1] * fx * fy);
                out[y * w + x] = v;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = max > min ? (out[i] - min) / (max - min) : 0;
        }
        return out;
    }
}
