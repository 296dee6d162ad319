package dev.weaktr.afa;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The official schedule by hand (PolyWarmupAdamW with warmup 1500, ratio 1e-6, power 1, 20000 iterations). */
class AfaTrainConfigTest {
    @Test
    void warmupThenPolyNotRebased() {
        AfaTrainConfig c = AfaTrainConfig.official(20000, 4, 512, 0);
        assertEquals(1500, c.warmupIterations());
        assertEquals(2000, c.camIterations());
        assertEquals(6000, c.switchIteration());
        assertEquals(1e-6, c.lrFactor(0), 1e-12);
        assertEquals(1 - (1 - 750 / 1500.0) * (1 - 1e-6), c.lrFactor(750), 1e-12);
        assertEquals(0.925, c.lrFactor(1500), 1e-12); // peers.md §2.7: drops from ~1.0 to 0.925 at 1500
        assertEquals(0.5, c.lrFactor(10000), 1e-12);
        AfaTrainConfig short_ = AfaTrainConfig.official(2000, 4, 512, 0);
        assertEquals(150, short_.warmupIterations());
        assertEquals(200, short_.camIterations());
        assertEquals(600, short_.switchIteration());
    }

    @Test
    void parameterGroupsAsTheOfficialCode() {
        assertEquals(0, AfaNet.lrScale("encoder.block1.0.norm1.weight"));
        assertEquals(0, AfaNet.lrScale("encoder.patch_embed2.norm.bias"));
        assertEquals(0, AfaNet.lrScale("encoder.block3.0.attn.norm.weight"));
        assertEquals(1, AfaNet.lrScale("encoder.block3.0.attn.kv.weight"));
        assertEquals(10, AfaNet.lrScale("classifier.weight"));
        assertEquals(10, AfaNet.lrScale("attn_proj.bias"));
        assertEquals(10, AfaNet.lrScale("decoder.linear_fuse.bn.weight"));
    }
}
