package dev.weaktr.pretrain;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.weaktr.WeaktrException;
import dev.weaktr.data.CorpusRenderer;
import dev.weaktr.data.Normalize;
import dev.weaktr.io.AtomicFiles;
import dev.weaktr.io.RgbImage;
import dev.weaktr.nn.Linear;
import dev.weaktr.nn.Parameters;
import dev.weaktr.nn.VisionTransformer;
import dev.weaktr.nn.VitConfig;
import dev.weaktr.train.AdamW;
import dev.weaktr.train.Batches;
import dev.weaktr.train.TrainingLoop;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;

/**
 * {@code weaktr pretrain --objective fdsl}: formula-driven supervised pretraining on the generated corpus (Kataoka et
 * al. 2020/2022). The corpus renderer knows each image's object families and each pixel's family, so the backbone
 * learns from labels that cost nothing and involve no human annotation — but they are the renderer's own labels, so
 * this objective runs on the generated corpus only (DINO, {@link DinoPretrainer}, is the objective for a user's
 * unlabelled images). Loss: {@link FdslLoss} (multi-label family classification from the class token + per-patch
 * family/background fractions from the patch tokens), through two linear heads on the final-norm tokens.
 *
 * <p>Each step takes its images ({@link CorpusRenderer#renderFamilies}, image i from (corpus seed, i), at the model's
 * input size; rendered on first use and kept in memory, 65 KB each at 128 px) and flips each horizontally with
 * probability ½. AdamW with a linear warm-up and per-step cosine decay
 * ({@link DinoSchedule}), weight decay on weights and embeddings only, global gradient-norm clipping by the shared
 * {@link TrainingLoop} (which also owns epochs, the checkpoint of weights + moments, resume, the non-finite guard,
 * log.jsonl and progress). After every epoch {@code backbone.safetensors} holds the backbone under timm names.
 */
public final class FdslPretrainer {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * @param model the backbone; images are rendered at its input size
     * @param corpus number of corpus images (an epoch visits each once)
     * @param corpusSeed the corpus seed (image i from (corpusSeed, i), as {@link ImageSource#corpus})
     * @param lr peak learning rate (not scaled by the batch)
     * @param warmupEpochs linear warm-up from 0
     * @param clipGrad global gradient-norm clipping (0 = off)
     * @param seed initial weights, order, flips and drop path
     */
    public record Config(VitConfig model, int corpus, long corpusSeed, int epochs, int batch, double lr, double minLr,
            int warmupEpochs, double weightDecay, double clipGrad, long seed) {
        public Config {
            if (epochs < 1 || batch < 1 || corpus < batch) {
                throw new WeaktrException("--epochs and --batch must be at least 1 and --corpus at least --batch");
            }
        }
    }

    private final PrintStream console;

    public FdslPretrainer(PrintStream console) {
        this.console = console;
    }

    /** The backbone and the two heads in one parameter store; the heads are named {@code head.*}, left out of the backbone file. */
    static final class Net {
        final Parameters params;
        final VisionTransformer vit;
        final Linear clsHead, patchHead;
        final int families = CorpusRenderer.corpusFamilies();

        Net(Parameters params, VitConfig model) {
            this.params = params;
            this.vit = new VisionTransformer(params, model, 1);
            this.clsHead = new Linear(params, "head.cls", model.dim(), families, true);
            this.patchHead = new Linear(params, "head.patch", model.dim(), families + 1, true);
        }

        /** Images [B, 3, s, s] → class-token logits [B, F] and patch logits [B, P, F + 1]. */
        NDArray[] forward(NDArray images, SplittableRandom dropPath) {
            NDArray tokens = vit.norm(vit.forward(images, dropPath, null).tokens()); // [B, 1 + P, D]
            NDArray cls = tokens.get(new NDIndex(":, 0, :"));
            NDArray patches = tokens.get(new NDIndex(":, 1:, :"));
            return new NDArray[] {clsHead.forward(cls), patchHead.forward(patches)};
        }
    }

    public DinoPretrainer.Result train(Path run, Config cfg, Device device, boolean resume, int stopAfter) {
        int steps = cfg.corpus() / cfg.batch();
        String manifest = manifest(cfg);
        Path runFile = run.resolve(DinoPretrainer.RUN_FILE);
        if (resume) {
            try {
                if (!Files.readString(runFile).equals(manifest)) {
                    throw new WeaktrException("--resume: the recipe differs from " + runFile + "; resume with the same flags");
                }
            } catch (IOException e) {
                throw new WeaktrException("--resume: cannot read " + runFile + ": " + e.getMessage(), e);
            }
        } else {
            try {
                Files.createDirectories(run);
            } catch (IOException e) {
                throw new WeaktrException("cannot create " + run + ": " + e.getMessage(), e);
            }
        }
        dev.weaktr.train.Checkpoint.forRun(run, resume);
        AtomicFiles.writeString(runFile, manifest);
        long t0 = System.nanoTime();
        ExecutorService loader = Batches.loaderPool();
        try (NDManager manager = NDManager.newBaseManager(device)) {
            Net net = new Net(new Parameters(manager, DataType.FLOAT32, cfg.seed()), cfg.model());
            AdamW adam = new AdamW(net.params, 0.9, 0.999, 1e-8, cfg.weightDecay(), name -> 1.0,
                    name -> !name.endsWith(".bias") && net.params.get(name).getShape().dimension() > 1);
            DinoSchedule lr = new DinoSchedule(cfg.lr(), cfg.minLr(), cfg.epochs(), steps, cfg.warmupEpochs(), 0);
            Steps method = new Steps(run, cfg, net, manager, loader);
            TrainingLoop.Config loop = new TrainingLoop.Config(cfg.epochs(), steps, "epoch", (round, updates) -> lr.at(updates),
                    cfg.clipGrad(), cfg.seed(), false);
            Map<String, Double> last = new TrainingLoop(console).run(run, resume, net.params, adam, loop, method, stopAfter);
            return new DinoPretrainer.Result(run, run.resolve(DinoPretrainer.BACKBONE), Math.min(cfg.epochs(), stopAfter),
                    last.getOrDefault("loss", Double.NaN), (System.nanoTime() - t0) / 1e9);
        } finally {
            loader.shutdownNow();
        }
    }

    private static final class Steps implements TrainingLoop.Method {
        final Path run;
        final Config cfg;
        final Net net;
        final NDManager manager;
        final ExecutorService loader;
        final CorpusRenderer.Sample[] rendered; // 65 KB per 128 px image
        List<Integer> order;
        SplittableRandom dropPath;

        Steps(Path run, Config cfg, Net net, NDManager manager, ExecutorService loader) {
            this.rendered = new CorpusRenderer.Sample[cfg.corpus()];
            this.run = run;
            this.cfg = cfg;
            this.net = net;
            this.manager = manager;
            this.loader = loader;
        }

        @Override
        public void startRound(int round, SplittableRandom rng) {
            order = DinoPretrainer.shuffled(cfg.corpus(), rng);
            dropPath = rng.split();
        }

        @Override
        public Map<String, Double> step(long step, int stepInRound, SplittableRandom rng) {
            int b = cfg.batch(), s = cfg.model().imageSize(), patch = cfg.model().patch(), f = net.families;
            int p = (s / patch) * (s / patch);
            float[] x = new float[b * 3 * s * s], y = new float[b * f], q = new float[b * p * (f + 1)];
            SplittableRandom[] flips = new SplittableRandom[b];
            for (int k = 0; k < b; k++) {
                flips[k] = rng.split();
            }
            int from = stepInRound * b;
            Batches.parallel(b, k -> {
                int index = order.get(from + k);
                CorpusRenderer.Sample sample = rendered[index];
                if (sample == null) { // rendered once, kept: rendering costs about as much CPU as the step itself
                    sample = CorpusRenderer.renderFamilies(s, new SplittableRandom(ImageSource.corpusSeed(cfg.corpusSeed(), index)));
                    rendered[index] = sample;
                }
                RgbImage img = sample.image();
                byte[] mask = sample.mask().labels();
                if (flips[k].nextBoolean()) {
                    img = flip(img);
                    mask = flip(mask, s, 1);
                }
                Normalize.toChw(img, x, k * 3 * s * s);
                FdslLoss.targets(mask, s, patch, f, y, k * f, q, k * p * (f + 1));
            }, loader);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray images = manager.create(x, new Shape(b, 3, s, s));
                NDArray yt = manager.create(y, new Shape(b, f));
                NDArray qt = manager.create(q, new Shape(b, p, f + 1));
                FdslLoss.Terms t;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray[] out = net.forward(images, dropPath);
                    t = FdslLoss.compute(out[0], yt, out[1], qt);
                    gc.backward(t.total());
                }
                Map<String, Double> terms = new LinkedHashMap<>();
                terms.put("loss", (double) t.total().getFloat());
                terms.put("cls", (double) t.cls().getFloat());
                terms.put("patch", (double) t.patch().getFloat());
                return terms;
            }
        }

        @Override
        public void endRound(int roundsDone, Map<String, Object> rec) {
            DinoPretrainer.writeBackbone(run.resolve(DinoPretrainer.BACKBONE), net.params, cfg.model(), cfg.seed(), roundsDone, "fdsl");
        }

        @Override
        public String activity() {
            return "pretraining";
        }
    }

    private static RgbImage flip(RgbImage img) {
        return new RgbImage(img.width(), img.height(), flip(img.rgb(), img.width(), 3));
    }

    /** Mirrors rows of {@code w} pixels of {@code channels} bytes each. */
    private static byte[] flip(byte[] a, int w, int channels) {
        byte[] out = new byte[a.length];
        int rows = a.length / (w * channels);
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < w; x++) {
                System.arraycopy(a, (y * w + x) * channels, out, (y * w + w - 1 - x) * channels, channels);
            }
        }
        return out;
    }

    private static String manifest(Config cfg) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", "weaktr-pretrain-run-1");
        m.put("objective", "fdsl");
        m.put("images", cfg.corpus() + " generated corpus images (" + CorpusRenderer.corpusFamilies() + " object families) with the "
                + "renderer's family labels, " + cfg.model().imageSize() + " px, corpus seed " + cfg.corpusSeed());
        m.put("config", cfg);
        try {
            return JSON.writeValueAsString(m) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
