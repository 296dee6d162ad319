package dev.weaktr.semformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import dev.weaktr.backbone.ResNet;
import dev.weaktr.crf.CrfConfig;
import dev.weaktr.crf.MeanField;
import dev.weaktr.io.RgbImage;
import dev.weaktr.io.WeightFile;
import dev.weaktr.nn.Parameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * SemFormer's pseudo-label chain against the official code ({@code affinity_io.pth}, README.md beside it): IRN's path
 * indices and pair labels, AffinityNet (ResNet-50 edge branch) edge logits, affinities, the four loss terms and
 * edge-layer gradients, the boundary map of {@code get_edge}, the random walk of {@code propagate_to_edge}, and the
 * CRF-on-labels affinity labels and final labels of make_affinity_labels.py / make_pseudo_labels.py (the fixture's
 * CRF: an exact dense-kernel mean field standing in for pydensecrf, which is not installed; ours is the lattice).
 */
class AffinityParityTest {
    private static WeightFile io;

    static synchronized WeightFile io() {
        if (io == null) {
            io = WeightFile.read(SemFormerFixture.DIR.resolve("affinity_io.pth"));
        }
        return io;
    }

    static float[] get(String name) {
        float[] v = io().tensors().get(name);
        if (v == null) {
            throw new AssertionError("fixture has no " + name);
        }
        return v;
    }

    static byte[] bytes(String name) {
        float[] v = get(name);
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (byte) (int) v[i];
        }
        return out;
    }

    /** The fixture's deterministic weights (README): element a (1-based) of the j-th tensor in name order. */
    static void fill(Parameters backbone, Parameters edge) {
        Map<String, NDArray> all = new TreeMap<>();
        backbone.all().forEach((k, v) -> {
            if (!k.endsWith("num_batches_tracked")) {
                all.put(k, v);
            }
        });
        all.putAll(edge.all());
        int j = 0;
        for (Map.Entry<String, NDArray> e : all.entrySet()) {
            String name = e.getKey();
            long[] shape = e.getValue().getShape().getShape();
            float[] v = new float[(int) e.getValue().getShape().size()];
            String leaf = name.substring(name.lastIndexOf('.') + 1);
            for (int i = 0; i < v.length; i++) {
                double u = StrictMath.sin(12.9898 * (i + 1) + 78.233 * (j + 1)) * 43758.5453;
                u = 2 * (u - Math.floor(u)) - 1;
                double x;
                if (name.endsWith("running_var")) {
                    x = 1 + 0.25 * (u + 1);
                } else if (name.endsWith("running_mean")) {
                    x = 0.1 * u;
                } else if (leaf.equals("weight") && shape.length == 1) {
                    x = 0.5 + 0.1 * u;
                } else if (leaf.equals("bias")) {
                    x = 0.1 * u;
                } else {
                    long fanIn = 1;
                    for (int d = 1; d < shape.length; d++) {
                        fanIn *= shape[d];
                    }
                    x = Math.sqrt(6.0 / fanIn) * u;
                }
                v[i] = (float) x;
            }
            Parameters target = backbone.all().containsKey(name) ? backbone : edge;
            target.loadSome(Map.of(name, v), Map.of(name, shape), "fixture formula");
            j++;
        }
    }

    private static NDManager manager;
    private static AffinityNet shared;
    private static Parameters edgeStore;

    /** One ResNet-50 AffinityNet with the fixture's weights (images padded to 96), shared by the tests. */
    static synchronized AffinityNet net() {
        if (shared == null) {
            manager = NDManager.newBaseManager(ai.djl.Device.cpu());
            Parameters b = new Parameters(manager, DataType.FLOAT32, 0, false);
            Parameters e = new Parameters(manager, DataType.FLOAT32, 0, true);
            shared = new AffinityNet(b, e, new AffinityNet.Config("fixture", ResNet.Config.resnet50(), 10, 5, 96));
            fill(b, e);
            edgeStore = e;
        }
        return shared;
    }

    @org.junit.jupiter.api.AfterAll
    static synchronized void close() {
        if (manager != null) {
            manager.close();
            manager = null;
            shared = null;
        }
    }

    @Test
    void pathIndicesAndPairLabelsMatchOfficialCode() {
        PathIndex index = new PathIndex(10, 24, 24);
        float[] dst = get("aff.path_dst"), src = get("aff.path_src");
        assertEquals(src.length, index.sources());
        assertEquals(dst.length, index.dst().length);
        for (int i = 0; i < src.length; i++) {
            assertEquals((int) src[i], index.src()[i]);
        }
        for (int i = 0; i < dst.length; i++) {
            assertEquals((int) dst[i], index.dst()[i], "dst " + i);
        }
        byte[] labels = bytes("aff.labels");
        int plane = 24 * 24, pm = dst.length;
        float[] bg = get("aff.bg_pos"), fg = get("aff.fg_pos"), neg = get("aff.neg");
        for (int b = 0; b < 2; b++) {
            AffinityLabels.Pairs p = AffinityLabels.pairs(java.util.Arrays.copyOfRange(labels, b * plane, (b + 1) * plane), index);
            assertArrayEquals(java.util.Arrays.copyOfRange(bg, b * pm, (b + 1) * pm), p.bgPos());
            assertArrayEquals(java.util.Arrays.copyOfRange(fg, b * pm, (b + 1) * pm), p.fgPos());
            assertArrayEquals(java.util.Arrays.copyOfRange(neg, b * pm, (b + 1) * pm), p.neg());
        }
    }

    @Test
    void edgeAffinityLossesAndGradientsMatchOfficialCode() {
        AffinityNet net = net();
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            PathIndex index = new PathIndex(10, 24, 24);
            NDArray images = m.create(get("aff.images"), new Shape(io().shape("aff.images")));
            Shape pairs = new Shape(io().shape("aff.bg_pos"));
            NDArray bg = m.create(get("aff.bg_pos"), pairs), fg = m.create(get("aff.fg_pos"), pairs);
            NDArray neg = m.create(get("aff.neg"), pairs);
            AffinityLoss.Terms t;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray edge = net.edge(images);
                SemFormerFixture.check("AffinityNet edge logits", edge.toFloatArray(), get("aff.edge"), 1e-4);
                NDArray aff = AffinityNet.toAffinity(Activation.sigmoid(edge), index);
                SemFormerFixture.check("AffinityNet affinities", aff.toFloatArray(), get("aff.aff"), 1e-4);
                t = AffinityLoss.of(aff, bg, fg, neg);
                gc.backward(t.total());
            }
            relative("loss bg", t.bg().getFloat(), get("aff.bg_loss")[0]);
            relative("loss fg", t.fg().getFloat(), get("aff.fg_loss")[0]);
            relative("loss pos", t.pos().getFloat(), get("aff.pos_loss")[0]);
            relative("loss neg", t.neg().getFloat(), get("aff.neg_loss")[0]);
            relative("loss total", t.total().getFloat(), get("aff.loss")[0]);
            for (String k : List.of("fc_edge6.weight", "fc_edge6.bias", "fc_edge1.0.weight", "fc_edge3.1.weight",
                    "fc_edge5.0.weight")) {
                SemFormerFixture.check("grad " + k, edgeStore.get(k).getGradient().toFloatArray(), get("aff.grad." + k), 1e-4);
            }
        }
    }

    private static void relative(String what, double got, double want) {
        double rel = Math.abs(got - want) / Math.abs(want);
        System.out.printf("SemFormer parity %s: %.7f vs %.7f (relative %.2g)%n", what, got, want, rel);
        assertTrue(rel <= 1e-4, what + ": " + got + " vs " + want);
    }

    @Test
    void boundaryAndRandomWalkMatchOfficialCode() {
        long[] is = io().shape("rw.image");
        int h = (int) is[1], w = (int) is[2], sh = (h - 1) / 4 + 1, sw = (w - 1) / 4 + 1;
        float[] edge;
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            edge = net().boundary(m, get("rw.image"), h, w);
        }
        SemFormerFixture.check("get_edge boundary", edge, get("rw.edge"), 1e-4);
        float[] cam = get("rw.cam");
        float[] rw = RandomWalk.propagate(cam, 2, sh, sw, get("rw.edge"), 5, 10, 8);
        SemFormerFixture.check("random walk (T^256)", rw, get("rw.rw"), 1e-4);
        float[] up = RandomWalk.walk(cam, 2, sh, sw, get("rw.edge"), h, w);
        SemFormerFixture.check("random walk upsampled / max", up, get("rw.rw_up"), 1e-4);
        float[] want = get("rw.rw_up");
        int n = h * w, same = 0;
        for (int i = 0; i < n; i++) {
            same += (up[i] >= up[n + i]) == (want[i] >= want[n + i]) ? 1 : 0;
        }
        assertEquals(n, same, "argmax of the random walk");
    }

    @Test
    void affinityAndFinalLabelsMatchOfficialCode() {
        long[] s = io().shape("labels.image");
        int h = (int) s[0], w = (int) s[1], n = h * w;
        float[] px = get("labels.image");
        byte[] rgb = new byte[px.length];
        for (int i = 0; i < px.length; i++) {
            rgb[i] = (byte) (int) px[i];
        }
        RgbImage image = new RgbImage(w, h, rgb);
        float[] keysF = get("labels.keys");
        int[] keys = new int[keysF.length - 1];
        for (int i = 1; i < keysF.length; i++) {
            keys[i - 1] = (int) keysF[i];
        }
        MeanField worker = new MeanField();
        byte[] arg = AffinityLabels.argmaxWithBackground(get("labels.hr_cam"), keys.length, n, AffinityLabels.FG_THRESHOLD);
        assertArrayEquals(bytes("labels.fg_argmax"), arg);
        agree("fg-pass CRF on labels", dev.weaktr.crf.DenseCrf.refineLabels(worker, image, arg, keys.length + 1,
                CrfConfig.SEMFORMER_AFF), bytes("labels.fg_crf"), bytes("labels.fg_argmax"));
        agree("affinity labels", AffinityLabels.confident(worker, image, get("labels.hr_cam"), keys, CrfConfig.SEMFORMER_AFF),
                bytes("labels.aff"), null);
        agree("final labels (bg 0.25, 1 CRF iteration)", AffinityLabels.finalLabels(worker, image, get("final.rw"), keys,
                CrfConfig.SEMFORMER_FINAL), bytes("final.labels"), null);
    }

    private static void agree(String what, byte[] got, byte[] want, byte[] before) {
        int same = 0, changed = 0;
        for (int i = 0; i < got.length; i++) {
            same += got[i] == want[i] ? 1 : 0;
            changed += before != null && want[i] != before[i] ? 1 : 0;
        }
        double share = same / (double) got.length;
        System.out.printf("SemFormer parity %s: %.2f %% equal (%d of %d pixels)%s%n", what, 100 * share, same, got.length,
                before == null ? "" : "; the reference CRF changed " + changed);
        assertTrue(share >= 0.995, what + ": " + share);
    }
}
