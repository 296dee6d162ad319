package dev.weaktr.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weaktr.WeaktrException;
import dev.weaktr.io.LabelPng;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code synth --single-class NAME --distractors}: one labelled class, negatives, masks 0/1/255 only. */
class SingleClassSynthTest {
    @TempDir
    Path tmp;

    @Test
    void oneLabelledClassWithNegativesAndMasksThatAgreeWithTheLabels() {
        Synth.generate(SynthConfig.of(120, 0, 48, 3), new Synth.SingleClass("checker-square", true, 0.35), tmp);
        VocDataset ds = VocDataset.open(tmp, "train");
        assertEquals(List.of("background", "checker-square"), ds.classes().names());
        int negatives = 0;
        for (String id : ds.ids()) {
            boolean labelled = ds.labels(id)[0];
            negatives += labelled ? 0 : 1;
            int ones = 0;
            for (byte b : LabelPng.read(tmp.resolve(VocDataset.MASKS).resolve(id + ".png")).labels()) {
                int v = b & 0xff;
                assertTrue(v == 0 || v == 1 || v == 255, id + " holds " + v);
                ones += v == 1 ? 1 : 0;
            }
            assertEquals(labelled, ones > 0, id);
        }
        // 35 % negatives: 42 expected of 120, binomial sd 5.2
        assertTrue(negatives >= 25 && negatives <= 60, negatives + " negatives");
    }

    @Test
    void anUnknownClassIsAUserError() {
        WeaktrException e = assertThrows(WeaktrException.class, () -> new Synth.SingleClass("dog", true, 0.35));
        assertTrue(e.getMessage().contains("--single-class 'dog' is not a synth class"), e.getMessage());
    }
}
