package dev.weaktr.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weaktr.io.LabelPng;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusRendererTest {
    @TempDir
    Path tmp;

    @Test
    void transferBenchmarkSharesNoShapeTextureOrBackgroundWithTheCorpus() {
        assertTrue(Collections.disjoint(List.of(CorpusRenderer.PRETRAIN_SHAPES), List.of(CorpusRenderer.TRANSFER_SHAPES)));
        assertTrue(Collections.disjoint(List.of(CorpusRenderer.PRETRAIN_TEXTURES), List.of(CorpusRenderer.TRANSFER_TEXTURES)));
        assertTrue(Collections.disjoint(List.of(CorpusRenderer.PRETRAIN_BACKGROUNDS), List.of(CorpusRenderer.TRANSFER_BACKGROUNDS)));
        assertEquals(112, CorpusRenderer.corpusFamilies());
        assertEquals(CorpusRenderer.TRANSFER_SHAPES.length, CorpusRenderer.TRANSFER_CLASSES.size());
    }

    @Test
    void sameGeneratorSameImage() {
        for (CorpusRenderer.Split split : CorpusRenderer.Split.values()) {
            CorpusRenderer.Sample a = CorpusRenderer.render(split, 48, new SplittableRandom(7));
            CorpusRenderer.Sample b = CorpusRenderer.render(split, 48, new SplittableRandom(7));
            assertArrayEquals(a.image().rgb(), b.image().rgb());
            assertArrayEquals(a.mask().labels(), b.mask().labels());
        }
    }

    @Test
    void transferDatasetHasLabelsMatchingItsMasks() {
        TransferBenchmark.generate(tmp, 6, 2, 64, 1);
        VocDataset ds = VocDataset.open(tmp, "train");
        assertEquals(6, ds.classes().size());
        for (String id : ds.ids()) {
            LabelPng.LabelMap m = ds.readMask(id);
            boolean[] present = new boolean[5];
            for (byte v : m.labels()) {
                assertTrue((v & 0xff) <= 5);
                if (v != 0) {
                    present[v - 1] = true;
                }
            }
            assertArrayEquals(present, ds.labels(id), id);
            assertTrue(ds.labelIndices(id).length >= 1, id + " has an object");
        }
    }
}
