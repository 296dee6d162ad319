package dev.weaktr.pretrain;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.weaktr.WeaktrException;
import dev.weaktr.io.AtomicFiles;
import dev.weaktr.io.SafeTensors;
import dev.weaktr.nn.Parameters;
import dev.weaktr.nn.VisionTransformer;
import dev.weaktr.train.AdamW;
import dev.weaktr.train.Batches;
import dev.weaktr.train.Checkpoint;
import dev.weaktr.train.Optimizer;
import dev.weaktr.train.TrainingLoop;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;

/**
 * {@code weaktr pretrain}: self-distillation with no labels, DINO (Caron et al. 2021, Algorithm 1). A student ViT and
 * a teacher ViT of the same shape (weaktr's {@link VisionTransformer}, one class token) each carry a {@link DinoHead};
 * the student sees all views of an image (2 global + local ones, {@link MultiCrop}), the teacher only the 2 global
 * ones; {@link DinoLoss} makes the student's output on every view predict the teacher's on the other global views.
 * The student learns by AdamW; the teacher is the exponential moving average of the student (eq. 3,
 * θ_t ← λθ_t + (1 − λ)θ_s). The output is the teacher's backbone, as DINO evaluates it.
 *
 * <p>A run folder holds {@code run.json} (recipe, image source), {@code checkpoint.safetensors} (student, teacher,
 * optimizer, centre; after every epoch, atomically), {@code log.jsonl} and {@code backbone.safetensors}: the
 * teacher backbone under timm names ({@code cls_token}, {@code pos_embed}, {@code patch_embed.proj.*},
 * {@code blocks.*}, {@code norm.*}) that {@code train-cam --pretrained} and {@code retrain --pretrained} read.
 *
 * <p>Epochs, checkpoints, resume, the non-finite guard, {@code log.jsonl} and progress are the shared
 * {@link TrainingLoop}'s; DINO plugs in as {@link Steps} (EMA teacher and centre after each update, its own checkpoint
 * layout).
 *
 * <p>Determinism: epoch e draws its order, views and drop path from a stream seeded by (seed, e); the initial
 * weights from the seed. A resumed run continues exactly as an uninterrupted one.
 */
public final class DinoPretrainer {
    public static final String RUN_FILE = "run.json";
    public static final String CHECKPOINT = Checkpoint.FILE;
    public static final String BACKBONE = "backbone.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final PrintStream console;

    public DinoPretrainer(PrintStream console) {
        this.console = console;
    }

    /** What a run did. */
    public record Result(Path run, Path backbone, int epochs, double lastLoss, double seconds) {}

    /** The student or the teacher: a backbone and a head in one parameter store. */
    private static final class Net {
        final Parameters params;
        final VisionTransformer vit;
        final DinoHead head;

        Net(Parameters params, PretrainConfig cfg) {
            this.params = params;
            this.vit = new VisionTransformer(params, cfg.model(), 1);
            this.head = new DinoHead(params, "head", cfg.model().dim(), cfg.head());
        }

        /** Head outputs [N, K] of the class token after the final norm, for images [N, 3, s, s]. */
        NDArray forward(NDArray images, SplittableRandom dropPath) {
            NDArray tokens = vit.forward(images, dropPath, null).tokens();
            NDArray cls = vit.norm(tokens).get(new NDIndex(":, 0, :"));
            return head.forward(cls);
        }
    }

    public Result train(ImageSource source, Path run, PretrainConfig cfg, Device device, boolean resume) {
        return train(source, run, cfg, device, resume, cfg.epochs());
    }

    /**
     * @param stopAfter stop once this many epochs are done (the schedules still span {@code cfg.epochs()}); a later
     *     {@code resume} continues, so a long run can be split over sessions
     */
    public Result train(ImageSource source, Path run, PretrainConfig cfg, Device device, boolean resume, int stopAfter) {
        int steps = source.size() / cfg.batch();
        if (steps == 0) {
            throw new WeaktrException("--batch " + cfg.batch() + " is larger than the " + source.size() + " images to pretrain on");
        }
        Path ckpt = Checkpoint.forRun(run, resume);
        String manifest = manifest(cfg, source);
        Path runFile = run.resolve(RUN_FILE);
        if (resume) {
            try {
                if (!Files.readString(runFile).equals(manifest)) {
                    throw new WeaktrException("--resume: the recipe or images differ from " + runFile + "; resume with the same flags");
                }
            } catch (IOException e) {
                throw new WeaktrException("--resume: cannot read " + runFile + ": " + e.getMessage(), e);
            }
        }
        AtomicFiles.writeString(runFile, manifest);
        long t0 = System.nanoTime();
        ExecutorService loader = Batches.loaderPool();
        try (NDManager manager = NDManager.newBaseManager(device)) {
            Net student = new Net(new Parameters(manager, DataType.FLOAT32, cfg.seed()), cfg);
            Net teacher = new Net(new Parameters(manager, DataType.FLOAT32, cfg.seed(), false), cfg);
            copy(student.params, teacher.params); // the teacher starts as the student (Algorithm 1)
            AdamW adam = new AdamW(student.params, 0.9, 0.999, 1e-8, cfg.weightDecay(), name -> 1.0,
                    name -> decays(student.params, name));
            DinoLoss loss = new DinoLoss(manager, cfg.head().outDim(), (float) cfg.studentTemp(), (float) cfg.centerMomentum());
            Steps method = new Steps(source, run, cfg, steps, student, teacher, adam, loss, manager, loader);
            // the lr schedule by optimiser updates: the iteration index of DINO's lr_schedule[it] while no step is skipped
            TrainingLoop.Config loop = new TrainingLoop.Config(cfg.epochs(), steps, "epoch",
                    (round, updates) -> method.lr.at(updates), 0, cfg.seed(), false);
            Map<String, Double> last = new TrainingLoop(console).run(run, resume, student.params, adam, loop, method, stopAfter);
            int endEpoch = Math.min(cfg.epochs(), stopAfter);
            return new Result(run, run.resolve(BACKBONE), endEpoch, last.getOrDefault("loss", Double.NaN),
                    (System.nanoTime() - t0) / 1e9);
        } finally {
            loader.shutdownNow();
        }
    }

    /**
     * DINO on the shared {@link TrainingLoop}: an epoch's order and drop path from its stream, the per-iteration
     * weight-decay schedule, the frozen last layer in the first epochs, the teacher EMA and centre after each update,
     * a checkpoint of student, teacher, optimizer and centre and the teacher backbone after each epoch.
     */
    private static final class Steps implements TrainingLoop.Method {
        final ImageSource source;
        final Path run;
        final PretrainConfig cfg;
        final int steps;
        final Net student, teacher;
        final AdamW adam;
        final DinoLoss loss;
        final NDManager manager;
        final ExecutorService loader;
        final DinoSchedule lr, wd, momentum;
        List<Integer> order;
        SplittableRandom dropPath;
        float temp;
        int epoch;

        Steps(ImageSource source, Path run, PretrainConfig cfg, int steps, Net student, Net teacher, AdamW adam, DinoLoss loss,
                NDManager manager, ExecutorService loader) {
            this.source = source;
            this.run = run;
            this.cfg = cfg;
            this.steps = steps;
            this.student = student;
            this.teacher = teacher;
            this.adam = adam;
            this.loss = loss;
            this.manager = manager;
            this.loader = loader;
            this.lr = new DinoSchedule(cfg.effectiveLr(), cfg.minLr(), cfg.epochs(), steps, cfg.warmupEpochs(), 0);
            this.wd = new DinoSchedule(cfg.weightDecay(), cfg.weightDecayEnd(), cfg.epochs(), steps, 0, 0);
            this.momentum = new DinoSchedule(cfg.momentumTeacher(), 1.0, cfg.epochs(), steps, 0, 0);
        }

        @Override
        public void startRound(int round, SplittableRandom rng) {
            epoch = round;
            order = shuffled(source.size(), rng);
            dropPath = rng.split();
            temp = (float) DinoSchedule.teacherTemp(round, cfg.warmupTeacherTemp(), cfg.teacherTemp(), cfg.warmupTeacherTempEpochs());
        }

        @Override
        public Map<String, Double> step(long step, int stepInRound, SplittableRandom rng) {
            float[][] views = prepare(source, cfg, order, stepInRound * cfg.batch(), rng, loader);
            Map<String, Double> terms = DinoPretrainer.step(student, teacher, loss, views, cfg, manager, dropPath, temp,
                    epoch < cfg.freezeLastLayerEpochs());
            adam.setWeightDecay(wd.at(step));
            return terms;
        }

        @Override
        public void afterUpdate(long step) {
            ema(student.params, teacher.params, momentum.at(step));
        }

        @Override
        public void saveCheckpoint(Path file, Parameters params, Optimizer optimizer, int roundsDone) {
            save(file, student.params, teacher.params, adam, loss, roundsDone);
        }

        @Override
        public int loadCheckpoint(Path file, Parameters params, Optimizer optimizer) {
            return restore(file, student.params, teacher.params, adam, loss);
        }

        @Override
        public void endRound(int roundsDone, Map<String, Object> rec) {
            writeBackbone(run.resolve(BACKBONE), teacher.params, cfg.model(), cfg.seed(), roundsDone, "dino");
            long first = (long) (roundsDone - 1) * steps;
            rec.put("lr", lr.at(first));
            rec.put("weight_decay", wd.at(first));
            rec.put("momentum", momentum.at(first));
            rec.put("teacher_temp", temp);
        }

        @Override
        public String activity() {
            return "pretraining";
        }
    }

    /** DINO regularises every weight matrix and embedding but no bias and no 1-D (norm) parameter. */
    private static boolean decays(Parameters p, String name) {
        return !name.endsWith(".bias") && p.get(name).getShape().dimension() > 1;
    }

    /**
     * Forward both nets, the loss, backward, clipping, the centre update; returns the loss, the teacher entropy and
     * the entropy of the batch mean. With a non-finite loss or gradient it returns only the loss and leaves the
     * gradients and the centre as they are, for the loop to skip the step.
     */
    private static Map<String, Double> step(Net student, Net teacher, DinoLoss loss, float[][] views, PretrainConfig cfg, NDManager manager,
            SplittableRandom dropPath, float temp, boolean freezeLastLayer) {
        int b = cfg.batch(), g = cfg.crops().globalSize(), l = cfg.crops().localSize();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray globals = manager.create(views[0], new Shape(2L * b, 3, g, g)); // view-major: [global 1 × B, global 2 × B]
            NDArray teacherOut = teacher.forward(globals, null); // [2B, K], no graph: the teacher is not trainable
            NDArray value;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray studentOut = student.forward(globals, dropPath);
                if (cfg.crops().localCrops() > 0) {
                    NDArray locals = manager.create(views[1], new Shape((long) cfg.crops().localCrops() * b, 3, l, l));
                    studentOut = NDArrays.concat(new NDList(studentOut, student.forward(locals, dropPath)), 0);
                }
                value = loss.compute(studentOut, teacherOut, cfg.views(), temp);
                gc.backward(value);
            }
            double v = value.getFloat();
            if (!Double.isFinite(v) || !student.params.nonFiniteGradients().isEmpty()) {
                return new LinkedHashMap<>(Map.of("loss", v));
            }
            for (Map.Entry<String, NDArray> e : student.params.all().entrySet()) {
                NDArray grad = e.getValue().getGradient();
                if (freezeLastLayer && DinoHead.lastLayer(e.getKey())) {
                    grad.set(new NDIndex("..."), 0f); // cancel_gradients_last_layer
                    continue;
                }
                double norm = Math.sqrt(grad.square().sum().getFloat()); // per-parameter clipping, as DINO's clip_gradients
                double coef = cfg.clipGrad() / (norm + 1e-6);
                if (cfg.clipGrad() > 0 && coef < 1) {
                    grad.muli(coef);
                }
            }
            NDArray p = teacherOut.sub(loss.center()).div(temp).softmax(-1); // [2B, K]
            double h = p.mul(p.add(1e-12f).log()).sum(new int[] {-1}).neg().mean().getFloat();
            NDArray mean = p.mean(new int[] {0});
            double hm = mean.mul(mean.add(1e-12f).log()).sum().neg().getFloat();
            loss.updateCenter(teacherOut);
            Map<String, Double> terms = new LinkedHashMap<>();
            terms.put("loss", v);
            // collapse monitors: per-image teacher entropy -> 0 means one prototype per image (sharpening wins),
            // entropy of the batch-mean -> 0 means every image lands on the same prototype (collapse)
            terms.put("teacher_entropy", h);
            terms.put("teacher_mean_entropy", hm);
            return terms;
        }
    }

    /** Views of images {@code order[from .. from + B)}: [0] the 2 global views, view-major; [1] the local ones. */
    private static float[][] prepare(ImageSource source, PretrainConfig cfg, List<Integer> order, int from, SplittableRandom rng,
            ExecutorService loader) {
        int b = cfg.batch(), locals = cfg.crops().localCrops();
        int gp = 3 * cfg.crops().globalSize() * cfg.crops().globalSize();
        int lp = 3 * cfg.crops().localSize() * cfg.crops().localSize();
        SplittableRandom[] rngs = new SplittableRandom[b];
        for (int i = 0; i < b; i++) {
            rngs[i] = rng.split();
        }
        float[] globals = new float[2 * b * gp];
        float[] local = new float[Math.max(1, locals * b * lp)];
        Batches.parallel(b, k -> {
            float[][] v = cfg.crops().views(source.image(order.get(from + k)), rngs[k]);
            System.arraycopy(v[0], 0, globals, k * gp, gp);
            System.arraycopy(v[1], 0, globals, (b + k) * gp, gp);
            for (int j = 0; j < locals; j++) {
                System.arraycopy(v[2 + j], 0, local, (j * b + k) * lp, lp);
            }
        }, loader);
        return new float[][] {globals, local};
    }

    static List<Integer> shuffled(int n, SplittableRandom rng) {
        List<Integer> order = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        for (int i = n - 1; i > 0; i--) {
            java.util.Collections.swap(order, i, rng.nextInt(i + 1));
        }
        return order;
    }

    private static void copy(Parameters from, Parameters to) {
        for (Map.Entry<String, NDArray> e : from.all().entrySet()) {
            to.get(e.getKey()).set(e.getValue().toByteBuffer());
        }
    }

    /** θ_t ← λ θ_t + (1 − λ) θ_s, in place. */
    private static void ema(Parameters student, Parameters teacher, double lambda) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (Map.Entry<String, NDArray> e : teacher.all().entrySet()) {
                NDArray s = student.get(e.getKey());
                e.getValue().muli(lambda).addi(s.stopGradient().mul(1 - lambda));
            }
        }
    }

    private static void save(Path file, Parameters student, Parameters teacher, AdamW adam, DinoLoss loss, int epochs) {
        Map<String, float[]> t = new LinkedHashMap<>();
        Map<String, long[]> s = new LinkedHashMap<>();
        student.all().forEach((k, v) -> put(t, s, "student." + k, v));
        teacher.all().forEach((k, v) -> put(t, s, "teacher." + k, v));
        adam.state().forEach((k, v) -> put(t, s, k, v));
        put(t, s, "dino.center", loss.center());
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "weaktr-dino-checkpoint-1");
        meta.put("epoch", Integer.toString(epochs));
        meta.put("step", Long.toString(adam.step()));
        SafeTensors.write(file, t, s, meta);
    }

    private static int restore(Path file, Parameters student, Parameters teacher, AdamW adam, DinoLoss loss) {
        SafeTensors.Content c = SafeTensors.read(file);
        student.load(strip(c.tensors(), "student."), strip(c.shapes(), "student."), file.toString());
        teacher.load(strip(c.tensors(), "teacher."), strip(c.shapes(), "teacher."), file.toString());
        for (Map.Entry<String, NDArray> e : adam.state().entrySet()) {
            float[] v = c.tensors().get(e.getKey());
            if (v == null) {
                throw new WeaktrException(file + ": no optimizer state '" + e.getKey() + "'; cannot --resume from it");
            }
            try (NDArray src = e.getValue().getManager().create(v, e.getValue().getShape())) {
                e.getValue().set(src.toByteBuffer());
            }
        }
        adam.setStep(Long.parseLong(c.metadata().getOrDefault("step", "0")));
        loss.setCenter(c.tensors().get("dino.center"));
        return Integer.parseInt(c.metadata().get("epoch"));
    }

    private static <T> Map<String, T> strip(Map<String, T> m, String prefix) {
        Map<String, T> out = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    private static void put(Map<String, float[]> t, Map<String, long[]> s, String name, NDArray v) {
        try (NDArray f = v.toType(DataType.FLOAT32, true)) {
            t.put(name, f.toFloatArray());
        }
        s.put(name, v.getShape().getShape());
    }

    /** The backbone under timm names (no {@code head.*}), with its provenance as metadata. */
    static void writeBackbone(Path file, Parameters teacher, dev.weaktr.nn.VitConfig model, long seed, int epochs, String objective) {
        Map<String, float[]> t = new LinkedHashMap<>();
        Map<String, long[]> s = new LinkedHashMap<>();
        teacher.all().forEach((k, v) -> {
            if (!k.startsWith("head.")) {
                put(t, s, k, v);
            }
        });
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "weaktr-pretrained-backbone-1");
        meta.put("objective", objective);
        meta.put("model", model.name());
        meta.put("image_size", Integer.toString(model.imageSize()));
        meta.put("epochs", Integer.toString(epochs));
        meta.put("seed", Long.toString(seed));
        SafeTensors.write(file, t, s, meta);
    }

    private static String manifest(PretrainConfig cfg, ImageSource source) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", "weaktr-pretrain-run-1");
        m.put("objective", "dino");
        m.put("images", source.describe());
        m.put("config", cfg);
        try {
            return JSON.writeValueAsString(m) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
