package dev.weaktr.crf;

import java.util.Arrays;

/**
 * Approximate Gaussian filtering in a d-dimensional feature space with the permutohedral lattice
 * (Adams, Baek and Davis 2010), in the variant of Krähenbühl and Koltun's dense CRF (peers.md §5.3).
 *
 * <p>{@link #build} embeds N points and records, per point, its d+1 enclosing simplex vertices and
 * barycentric weights; {@link #splat}, {@link #blur} and {@link #slice} then filter any number of
 * M-dimensional value vectors over those points: out_i ≈ Σ_j exp(−|f_i − f_j|²/2) v_j (unit-variance
 * Gaussian, so callers divide features by their standard deviations first).
 *
 * <p>Mutable and reusable: one instance serves one worker thread and is rebuilt per image; its arrays
 * only grow, so filtering allocates nothing. Value arrays are point-major: {@code [N][M]} row-major.
 */
public final class PermutohedralLattice {
    private final int d;
    private final int d1;
    private final float[] embedScale;
    private final int[] canonical;
    /** Slice factor α = 1/(1 + 2^−d) (peers.md §5.3 step 6). */
    private final float alpha;

    // Scratch for one point during build.
    private final float[] elevated;
    private final int[] rem0;
    private final int[] rank;
    private final float[] bary;
    private final int[] key;
    private final int[] key2;

    private int points;
    /** [N][d+1] vertex index + 1 (0 is an all-zero dummy vertex). */
    private int[] offset = new int[0];
    /** [N][d+1] barycentric weights. */
    private float[] weight = new float[0];

    private int vertices;
    /** [L][d] integer lattice coordinates of each vertex (the first d of d+1). */
    private int[] keys = new int[0];
    /** Open-addressing hash table: vertex index + 1, 0 = empty. */
    private int[] table = new int[0];
    private int mask;
    /** [d+1][L] neighbour index + 1 along each axis (0 = absent, reads zeros). */
    private int[] blurMinus = new int[0];
    private int[] blurPlus = new int[0];

    /** [(L+1)][M] values; row 0 is the dummy and stays zero. */
    private float[] values = new float[0];
    private float[] scratch = new float[0];

    public PermutohedralLattice(int d) {
        if (d < 1 || d > 16) {
            throw new IllegalArgumentException("feature dimension must be in 1..16, got " + d);
        }
        this.d = d;
        this.d1 = d + 1;
        this.embedScale = new float[d];
        // Diagonal of the embedding matrix; the [1/2, 1, 1/2] blurs then equal a unit-σ Gaussian.
        double invStd = Math.sqrt(2.0 / 3.0) * d1;
        for (int k = 0; k < d; k++) {
            embedScale[k] = (float) (invStd / Math.sqrt((k + 1.0) * (k + 2.0)));
        }
        this.canonical = new int[d1 * d1];
        for (int r = 0; r <= d; r++) {
            for (int j = 0; j <= d; j++) {
                canonical[r * d1 + j] = j <= d - r ? r : r - d1;
            }
        }
        this.alpha = (float) (1.0 / (1.0 + Math.pow(2.0, -d)));
        this.elevated = new float[d1];
        this.rem0 = new int[d1];
        this.rank = new int[d1];
        this.bary = new float[d + 2];
        this.key = new int[d1];
        this.key2 = new int[d1];
    }

    public int dims() {
        return d;
    }

    /** Number of points of the last build. */
    public int points() {
        return points;
    }

    /** Number of lattice vertices L of the last build (≤ N·(d+1)). */
    public int vertices() {
        return vertices;
    }

    /**
     * Embeds {@code n} points.
     *
     * @param features {@code [n][d]} row-major, already divided by the kernel's standard deviations
     */
    public void build(float[] features, int n) {
        if (features.length < (long) n * d) {
            throw new IllegalArgumentException("features: expected " + n + "x" + d + " floats, got " + features.length);
        }
        points = n;
        if (offset.length < n * d1) {
            offset = new int[n * d1];
            weight = new float[n * d1];
        }
        resetTable(Math.max(64, n));
        vertices = 0;
        for (int p = 0; p < n; p++) {
            embedPoint(features, p * d);
            for (int r = 0; r <= d; r++) {
                for (int i = 0; i < d; i++) {
                    key[i] = rem0[i] + canonical[r * d1 + rank[i]];
                }
                offset[p * d1 + r] = findOrInsert(key) + 1;
                weight[p * d1 + r] = bary[r];
            }
        }
        buildNeighbours();
    }

    /** Steps 1–3 of peers.md §5.3 for one point: elevate, find the enclosing simplex, barycentric weights. */
    private void embedPoint(float[] f, int base) {
        float sm = 0;
        for (int j = d; j > 0; j--) {
            float cf = f[base + j - 1] * embedScale[j - 1];
            elevated[j] = sm - j * cf;
            sm += cf;
        }
        elevated[0] = sm;
        float down = 1.0f / d1;
        int sum = 0;
        for (int i = 0; i <= d; i++) {
            float v = elevated[i] * down;
            int up = (int) Math.ceil(v) * d1;
            int lo = (int) Math.floor(v) * d1;
            rem0[i] = (up - elevated[i] < elevated[i] - lo) ? up : lo;
            sum += rem0[i];
            rank[i] = 0;
        }
        sum /= d1;
        for (int i = 0; i < d; i++) {
            float di = elevated[i] - rem0[i];
            for (int j = i + 1; j <= d; j++) {
                if (di < elevated[j] - rem0[j]) {
                    rank[i]++;
                } else {
                    rank[j]++;
                }
            }
        }
        if (sum > 0) {
            for (int i = 0; i <= d; i++) {
                if (rank[i] >= d1 - sum) {
                    rank[i] -= d1 - sum;
                    rem0[i] -= d1;
                } else {
                    rank[i] += sum;
                }
            }
        } else if (sum < 0) {
            for (int i = 0; i <= d; i++) {
                if (rank[i] < -sum) {
                    rank[i] += d1 + sum;
                    rem0[i] += d1;
                } else {
                    rank[i] += sum;
                }
            }
        }
        Arrays.fill(bary, 0f);
        for (int i = 0; i <= d; i++) {
            float v = (elevated[i] - rem0[i]) * down;
            bary[d - rank[i]] += v;
            bary[d - rank[i] + 1] -= v;
        }
        bary[0] += 1.0f + bary[d1];
    }

    private void buildNeighbours() {
        int l = vertices;
        if (blurMinus.length < d1 * l) {
            blurMinus = new int[d1 * l];
            blurPlus = new int[d1 * l];
        }
        for (int j = 0; j <= d; j++) {
            for (int v = 0; v < l; v++) {
                int kb = v * d;
                for (int k = 0; k < d; k++) {
                    key[k] = keys[kb + k] - 1;
                    key2[k] = keys[kb + k] + 1;
                }
                if (j < d) {
                    key[j] = keys[kb + j] + d;
                    key2[j] = keys[kb + j] - d;
                }
                blurMinus[j * l + v] = find(key) + 1;
                blurPlus[j * l + v] = find(key2) + 1;
            }
        }
    }

    private void ensureValues(int vs) {
        int need = (vertices + 1) * vs;
        if (values.length < need) {
            values = new float[need];
            scratch = new float[need];
        }
    }

    /** Zeroes the vertex values before a sequence of {@link #splatPoint} calls with {@code vs} channels. */
    public void clearValues(int vs) {
        ensureValues(vs);
        Arrays.fill(values, 0, (vertices + 1) * vs, 0f);
    }

    /** Splats one point: each of its d+1 vertices gets b_r·s·in[from .. from+vs). */
    public void splatPoint(int p, float[] in, int from, int vs, float s) {
        int base = p * d1;
        switch (d1) {
            case 3 -> splat3(base, in, from, vs, s);
            case 6 -> splat6(base, in, from, vs, s);
            default -> splatAny(base, in, from, vs, s);
        }
    }

    private void splatAny(int base, float[] in, int from, int vs, float s) {
        float[] val = values;
        for (int r = 0; r < d1; r++) {
            int dst = offset[base + r] * vs;
            float w = weight[base + r] * s;
            for (int c = 0; c < vs; c++) {
                val[dst + c] += w * in[from + c];
            }
        }
    }

    // splat3/splat6 and slice3/slice6: the same as the *Any loops for the CRF's two feature sizes
    // (d = 2 and 5), with the vertex offsets in registers and one pass over the channels.

    private void splat3(int base, float[] in, int from, int vs, float s) {
        float[] val = values;
        int o0 = offset[base] * vs, o1 = offset[base + 1] * vs, o2 = offset[base + 2] * vs;
        float w0 = weight[base] * s, w1 = weight[base + 1] * s, w2 = weight[base + 2] * s;
        for (int c = 0; c < vs; c++) {
            float x = in[from + c];
            val[o0 + c] += w0 * x;
            val[o1 + c] += w1 * x;
            val[o2 + c] += w2 * x;
        }
    }

    private void splat6(int base, float[] in, int from, int vs, float s) {
        float[] val = values;
        int o0 = offset[base] * vs, o1 = offset[base + 1] * vs, o2 = offset[base + 2] * vs;
        int o3 = offset[base + 3] * vs, o4 = offset[base + 4] * vs, o5 = offset[base + 5] * vs;
        float w0 = weight[base] * s, w1 = weight[base + 1] * s, w2 = weight[base + 2] * s;
        float w3 = weight[base + 3] * s, w4 = weight[base + 4] * s, w5 = weight[base + 5] * s;
        for (int c = 0; c < vs; c++) {
            float x = in[from + c];
            val[o0 + c] += w0 * x;
            val[o1 + c] += w1 * x;
            val[o2 + c] += w2 * x;
            val[o3 + c] += w3 * x;
            val[o4 + c] += w4 * x;
            val[o5 + c] += w5 * x;
        }
    }

    /**
     * Splat: vertex values ← Σ_points b·s_i·in_i.
     *
     * @param in         {@code [N][vs]} row-major
     * @param pointScale per-point factor s_i ({@code [N]}), or null for 1
     */
    public void splat(float[] in, int vs, float[] pointScale) {
        clearValues(vs);
        for (int p = 0; p < points; p++) {
            splatPoint(p, in, p * vs, vs, pointScale == null ? 1f : pointScale[p]);
        }
    }

    /**
     * Blur: d+1 passes v ← v + ½(v_minus + v_plus) along each lattice axis; reverse order for the
     * transposed operator.
     */
    public void blur(int vs, boolean reverse) {
        int l = vertices;
        Arrays.fill(scratch, 0, vs, 0f);
        for (int a = 0; a <= d; a++) {
            int j = reverse ? d - a : a;
            float[] src = values;
            float[] dst = scratch;
            int nb = j * l;
            for (int v = 0; v < l; v++) {
                int o = (v + 1) * vs;
                int o1 = blurMinus[nb + v] * vs;
                int o2 = blurPlus[nb + v] * vs;
                for (int c = 0; c < vs; c++) {
                    dst[o + c] = src[o + c] + 0.5f * (src[o1 + c] + src[o2 + c]);
                }
            }
            values = dst;
            scratch = src;
        }
    }

    /** Slices one point: out[to .. to+vs) += factor·α·Σ_r b_r·V[vertex(p, r)]. */
    public void slicePoint(int p, float[] out, int to, int vs, float factor) {
        float s = factor * alpha;
        int base = p * d1;
        switch (d1) {
            case 3 -> slice3(base, out, to, vs, s);
            case 6 -> slice6(base, out, to, vs, s);
            default -> sliceAny(base, out, to, vs, s);
        }
    }

    private void sliceAny(int base, float[] out, int to, int vs, float s) {
        float[] val = values;
        for (int r = 0; r < d1; r++) {
            int src = offset[base + r] * vs;
            float w = weight[base + r] * s;
            for (int c = 0; c < vs; c++) {
                out[to + c] += w * val[src + c];
            }
        }
    }

    private void slice3(int base, float[] out, int to, int vs, float s) {
        float[] val = values;
        int o0 = offset[base] * vs, o1 = offset[base + 1] * vs, o2 = offset[base + 2] * vs;
        float w0 = weight[base] * s, w1 = weight[base + 1] * s, w2 = weight[base + 2] * s;
        for (int c = 0; c < vs; c++) {
            out[to + c] += w0 * val[o0 + c] + w1 * val[o1 + c] + w2 * val[o2 + c];
        }
    }

    private void slice6(int base, float[] out, int to, int vs, float s) {
        float[] val = values;
        int o0 = offset[base] * vs, o1 = offset[base + 1] * vs, o2 = offset[base + 2] * vs;
        int o3 = offset[base + 3] * vs, o4 = offset[base + 4] * vs, o5 = offset[base + 5] * vs;
        float w0 = weight[base] * s, w1 = weight[base + 1] * s, w2 = weight[base + 2] * s;
        float w3 = weight[base + 3] * s, w4 = weight[base + 4] * s, w5 = weight[base + 5] * s;
        for (int c = 0; c < vs; c++) {
            out[to + c] += w0 * val[o0 + c] + w1 * val[o1 + c] + w2 * val[o2 + c]
                    + w3 * val[o3 + c] + w4 * val[o4 + c] + w5 * val[o5 + c];
        }
    }

    /**
     * Slice: out_i (+)= factor·s_i·α·Σ_r b_r·V[vertex(i, r)].
     *
     * @param out        {@code [N][vs]} row-major
     * @param pointScale per-point factor s_i, or null for 1
     * @param accumulate add to {@code out} instead of overwriting it
     */
    public void slice(float[] out, int vs, float[] pointScale, float factor, boolean accumulate) {
        if (!accumulate) {
            Arrays.fill(out, 0, points * vs, 0f);
        }
        for (int p = 0; p < points; p++) {
            slicePoint(p, out, p * vs, vs, pointScale == null ? factor : factor * pointScale[p]);
        }
    }

    /** out = α·slice(blur(splat(in))): the approximate unit-σ Gaussian filter, {@code [N][vs]} row-major. */
    public void filter(float[] in, float[] out, int vs, boolean reverse) {
        splat(in, vs, null);
        blur(vs, reverse);
        slice(out, vs, null, 1f, false);
    }

    // ---- hash table over the first d integer coordinates ----

    private void resetTable(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected) * 2 - 1) << 1;
        if (table.length < cap) {
            table = new int[cap];
        } else {
            Arrays.fill(table, 0);
        }
        mask = table.length - 1;
        if (keys.length < expected * d) {
            keys = new int[expected * d];
        }
    }

    private int hash(int[] k) {
        int h = 0;
        for (int i = 0; i < d; i++) {
            h = (h + k[i]) * 0x9E3779B1;
        }
        return (h ^ (h >>> 15)) & mask;
    }

    private boolean sameKey(int v, int[] k) {
        int b = v * d;
        for (int i = 0; i < d; i++) {
            if (keys[b + i] != k[i]) {
                return false;
            }
        }
        return true;
    }

    /** Vertex index of {@code k}, or −1. */
    private int find(int[] k) {
        int h = hash(k);
        while (true) {
            int e = table[h];
            if (e == 0) {
                return -1;
            }
            if (sameKey(e - 1, k)) {
                return e - 1;
            }
            h = (h + 1) & mask;
        }
    }

    private int findOrInsert(int[] k) {
        int h = hash(k);
        while (true) {
            int e = table[h];
            if (e == 0) {
                break;
            }
            if (sameKey(e - 1, k)) {
                return e - 1;
            }
            h = (h + 1) & mask;
        }
        int v = vertices++;
        if (keys.length < vertices * d) {
            keys = Arrays.copyOf(keys, Math.max(vertices * d, keys.length * 2));
        }
        System.arraycopy(k, 0, keys, v * d, d);
        table[h] = v + 1;
        if (vertices * 2 > table.length) {
            grow();
        }
        return v;
    }

    private void grow() {
        table = new int[table.length * 2];
        mask = table.length - 1;
        for (int v = 0; v < vertices; v++) {
            System.arraycopy(keys, v * d, key2, 0, d);
            int h = hash(key2);
            while (table[h] != 0) {
                h = (h + 1) & mask;
            }
            table[h] = v + 1;
        }
    }
}
