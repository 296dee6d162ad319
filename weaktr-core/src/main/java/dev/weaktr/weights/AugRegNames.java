package dev.weaktr.weights;

import dev.weaktr.WeaktrException;
import dev.weaktr.io.WeightFile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The AugReg {@code .npz} (JAX/Flax names and layouts) → timm names and PyTorch layouts, as timm 0.5.4
 * {@code _load_weights} converts it (backbones-spec §6.3). An optional {@code opt/target/} prefix is removed;
 * {@code pre_logits/*} has no counterpart and is left for the caller to report.
 */
final class AugRegNames {
    private static final String BLOCK = "Transformer/encoderblock_%d/";
    private static final String MHA = "MultiHeadDotProductAttention_1/";

    private final WeightFile npz;
    private final String prefix;
    private final Map<String, float[]> values = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    /** timm name → the npz array it needed but that is absent, for messages. */
    final Map<String, String> absent = new LinkedHashMap<>();
    private final java.util.Set<String> used = new java.util.HashSet<>();

    private AugRegNames(WeightFile npz) {
        this.npz = npz;
        this.prefix = npz.tensors().keySet().stream().anyMatch(k -> k.startsWith("opt/target/")) ? "opt/target/" : "";
    }

    /** True when the file holds JAX ViT names. */
    static boolean applies(WeightFile file) {
        return file.tensors().keySet().stream().anyMatch(k -> k.contains("Transformer/encoderblock_") || k.endsWith("embedding/kernel"));
    }

    /** The converted state dict (timm names) plus the names of the arrays that were missing. */
    static AugRegNames convert(WeightFile npz) {
        AugRegNames c = new AugRegNames(npz);
        c.run();
        return c;
    }

    WeightFile asWeightFile() {
        return new WeightFile(npz.file(), "npz (JAX names converted)", values, shapes, Map.of());
    }

    private void run() {
        float[] kernel = get("embedding/kernel", "patch_embed.proj.weight", 4);
        if (kernel != null) { // HWIO -> OIHW, transpose (3, 2, 0, 1)
            long[] s = shape("embedding/kernel");
            put("patch_embed.proj.weight", permute(kernel, s, new int[] {3, 2, 0, 1}), new long[] {s[3], s[2], s[0], s[1]});
        }
        copy("embedding/bias", "patch_embed.proj.bias");
        copy("cls", "cls_token");
        copy("Transformer/posembed_input/pos_embedding", "pos_embed");
        copy("Transformer/encoder_norm/scale", "norm.weight");
        copy("Transformer/encoder_norm/bias", "norm.bias");
        transposed("head/kernel", "head.weight");
        copy("head/bias", "head.bias");
        for (int i = 0; npz.has(prefix + String.format(BLOCK, i) + "LayerNorm_0/scale"); i++) {
            block(i);
        }
        for (String k : npz.tensors().keySet()) { // anything not converted is passed on under its own name, to be reported
            if (!used.contains(k)) {
                put(k, npz.tensors().get(k), npz.shape(k));
            }
        }
    }

    private void block(int i) {
        String b = String.format(BLOCK, i), t = "blocks." + i + ".";
        copy(b + "LayerNorm_0/scale", t + "norm1.weight");
        copy(b + "LayerNorm_0/bias", t + "norm1.bias");
        copy(b + "LayerNorm_2/scale", t + "norm2.weight");
        copy(b + "LayerNorm_2/bias", t + "norm2.bias");
        qkv(b + MHA, t + "attn.qkv.");
        float[] out = get(b + MHA + "out/kernel", t + "attn.proj.weight", 3);
        if (out != null) { // (H, hd, D) -> (D, H·hd), transpose (2, 0, 1)
            long[] s = shape(b + MHA + "out/kernel");
            put(t + "attn.proj.weight", permute(out, s, new int[] {2, 0, 1}), new long[] {s[2], s[0] * s[1]});
        }
        copy(b + MHA + "out/bias", t + "attn.proj.bias");
        transposed(b + "MlpBlock_3/Dense_0/kernel", t + "mlp.fc1.weight");
        copy(b + "MlpBlock_3/Dense_0/bias", t + "mlp.fc1.bias");
        transposed(b + "MlpBlock_3/Dense_1/kernel", t + "mlp.fc2.weight");
        copy(b + "MlpBlock_3/Dense_1/bias", t + "mlp.fc2.bias");
    }

    /** query/key/value kernels (D, H, hd) → rows of (3D, D) stacked q; k; v; biases (H, hd) concatenated. */
    private void qkv(String mha, String target) {
        List<String> parts = List.of("query", "key", "value");
        float[][] w = new float[3][], bias = new float[3][];
        for (int j = 0; j < 3; j++) {
            w[j] = get(mha + parts.get(j) + "/kernel", target + "weight", 3);
            bias[j] = get(mha + parts.get(j) + "/bias", target + "bias", 2);
        }
        if (w[0] != null && w[1] != null && w[2] != null) {
            long[] s = shape(mha + "query/kernel");
            long d = s[0], inner = s[1] * s[2];
            float[] out = new float[(int) (3 * inner * d)];
            for (int j = 0; j < 3; j++) {
                float[] t = transpose2d(w[j], (int) d, (int) inner);
                System.arraycopy(t, 0, out, (int) (j * inner * d), t.length);
            }
            put(target + "weight", out, new long[] {3 * inner, d});
        }
        if (bias[0] != null && bias[1] != null && bias[2] != null) {
            int n = bias[0].length;
            float[] out = new float[3 * n];
            for (int j = 0; j < 3; j++) {
                System.arraycopy(bias[j], 0, out, j * n, n);
            }
            put(target + "bias", out, new long[] {3L * n});
        }
    }

    private void copy(String src, String target) {
        float[] v = get(src, target, -1);
        if (v != null) {
            put(target, v, shape(src));
        }
    }

    /** A (in, out) Flax kernel → a (out, in) PyTorch weight. */
    private void transposed(String src, String target) {
        float[] v = get(src, target, 2);
        if (v != null) {
            long[] s = shape(src);
            put(target, transpose2d(v, (int) s[0], (int) s[1]), new long[] {s[1], s[0]});
        }
    }

    /** The array, or null after noting it absent; a wrong rank is a clear error naming the array. */
    private float[] get(String src, String target, int rank) {
        float[] v = npz.tensors().get(prefix + src);
        used.add(prefix + src);
        if (v == null) {
            absent.putIfAbsent(target, prefix + src);
            return null;
        }
        if (rank >= 0 && shape(src).length != rank) {
            throw new WeaktrException(npz.file() + ": array '" + prefix + src + "' has shape " + LoadReport.shape(shape(src))
                    + " but a rank-" + rank + " Flax array is expected for '" + target + "'");
        }
        return v;
    }

    private long[] shape(String src) {
        return npz.shape(prefix + src);
    }

    private void put(String name, float[] v, long[] shape) {
        values.put(name, v);
        shapes.put(name, shape);
    }

    static float[] transpose2d(float[] v, int rows, int cols) {
        float[] out = new float[v.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = v[r * cols + c];
            }
        }
        return out;
    }

    /** numpy {@code transpose(perm)} of a C-order array. */
    static float[] permute(float[] v, long[] shape, int[] perm) {
        int rank = shape.length;
        long[] inStride = new long[rank];
        inStride[rank - 1] = 1;
        for (int a = rank - 2; a >= 0; a--) {
            inStride[a] = inStride[a + 1] * shape[a + 1];
        }
        long[] outShape = new long[rank];
        for (int a = 0; a < rank; a++) {
            outShape[a] = shape[perm[a]];
        }
        float[] out = new float[v.length];
        int[] idx = new int[rank];
        for (int o = 0; o < out.length; o++) {
            long src = 0;
            for (int a = 0; a < rank; a++) {
                src += idx[a] * inStride[perm[a]];
            }
            out[o] = v[(int) src];
            for (int a = rank - 1; a >= 0; a--) { // odometer over the output index
                if (++idx[a] < outShape[a]) {
                    break;
                }
                idx[a] = 0;
            }
        }
        return out;
    }
}
