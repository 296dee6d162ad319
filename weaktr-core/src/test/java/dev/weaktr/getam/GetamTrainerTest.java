package dev.weaktr.getam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.weaktr.WeaktrException;
import dev.weaktr.data.Synth;
import dev.weaktr.data.SynthConfig;
import dev.weaktr.data.VocDataset;
import dev.weaktr.io.LabelPng;
import dev.weaktr.io.SafeTensors;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GETAM training on the shared loop (cpu-demo backbone, 32 features, 64 px crops): both phases run with every term
 * (the saliency maps are the synthetic masks' foreground), a resumed run ends bit-identical to an uninterrupted one,
 * and a missing or wrongly sized saliency map is one clear error naming the file.
 */
class GetamTrainerTest {
    @TempDir
    Path dir;

    @Test
    void bothPhasesRunAndResumeIsExact() throws Exception {
        Path data = dir.resolve("data");
        Synth.generate(SynthConfig.of(8, 2, 48, 5), data);
        Path sal = saliencyFromMasks(data, dir.resolve("sal"));
        // 4 iterations, a checkpoint every 2: steps 0..2 classification only ((t − 1) < 0.5·4), step 3 phase 2
        GetamTrainConfig cfg = new GetamTrainConfig(4, 2, 64, 2, 7, 0.01, 5e-4, 0.9, 0.5, 0.1, 0.9, true, false,
                GetamTrainConfig.DENSE_CRF_WEIGHT);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        new GetamTrainer(quiet).train(data, "train", dir.resolve("a"), "cpu-demo", 32, cfg, sal, Device.cpu(), false, null);
        new GetamTrainer(quiet).train(data, "train", dir.resolve("b"), "cpu-demo", 32, cfg, sal, Device.cpu(), false, null, 1);
        new GetamTrainer(quiet).train(data, "train", dir.resolve("b"), "cpu-demo", 32, cfg, sal, Device.cpu(), true, null);
        List<String> log = Files.readAllLines(dir.resolve("a/log.jsonl"));
        String last = log.get(log.size() - 1);
        assertTrue(last.contains("loss_ce") && last.contains("loss_sal") && last.contains("loss_dcrf"),
                "the last round trains every term: " + log);
        // the phase-2 total is CE + L_sal + L_dCRF + L_cls, all weights 1 (train_from_init.py)
        var terms = new com.fasterxml.jackson.databind.ObjectMapper().readTree(last);
        double sum = terms.get("loss_ce").asDouble() + terms.get("loss_sal").asDouble()
                + terms.get("loss_dcrf").asDouble() + terms.get("loss_cls").asDouble();
        assertEquals(sum, terms.get("loss").asDouble(), 1e-5 * Math.abs(sum), "total = sum of the terms: " + last);
        assertTrue(terms.get("loss_dcrf").asDouble() < 0, "the dense-CRF energy term is negative: " + last);
        Map<String, float[]> a = SafeTensors.read(dir.resolve("a/checkpoint.safetensors")).tensors();
        Map<String, float[]> b = SafeTensors.read(dir.resolve("b/checkpoint.safetensors")).tensors();
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k), b.get(k), k);
        }
        assertEquals("getam", GetamRun.read(dir.resolve("a")).method());
    }

    @Test
    void denseCrfWeightIsTheOfficialDefault() {
        // train_from_init.py: parser.add_argument('--densecrfloss', type=float, default=1e-7), which train.sh keeps,
        // and loss = celoss + sal_loss + dloss + closs; the lattice's sigmas and scale are DenseEnergyLoss's (15, 100, 0.5)
        assertEquals(1e-7, GetamTrainConfig.official(100, 4, 256, 0).denseCrfWeight());
        assertEquals(15.0, dev.weaktr.afa.DenseEnergyLoss.SIGMA_RGB);
        assertEquals(100.0, dev.weaktr.afa.DenseEnergyLoss.SIGMA_XY);
        assertEquals(0.5, dev.weaktr.afa.DenseEnergyLoss.SCALE);
    }

    @Test
    void badSaliencyIsOneLineNamingTheFile() throws Exception {
        Path data = dir.resolve("data");
        Synth.generate(SynthConfig.of(4, 2, 48, 5), data);
        Path sal = saliencyFromMasks(data, dir.resolve("sal"));
        VocDataset ds = VocDataset.open(data, "train");
        String first = ds.ids().get(0);
        GetamTrainConfig cfg = new GetamTrainConfig(2, 1, 64, 2, 7, 0.01, 5e-4, 0.9, 0.0, 0.1, 0.9, true, false, 0);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        Files.delete(sal.resolve(first + ".png"));
        WeaktrException missing = assertThrows(WeaktrException.class, () -> new GetamTrainer(quiet)
                .train(data, "train", dir.resolve("m"), "cpu-demo", 32, cfg, sal, Device.cpu(), false, null));
        assertTrue(missing.getMessage().contains(first + ".png") && !missing.getMessage().contains("\n"), missing.getMessage());
        ImageIO.write(new BufferedImage(7, 5, BufferedImage.TYPE_BYTE_GRAY), "png", sal.resolve(first + ".png").toFile());
        WeaktrException size = assertThrows(WeaktrException.class, () -> new GetamTrainer(quiet)
                .train(data, "train", dir.resolve("s"), "cpu-demo", 32, cfg.withRoundIterations(1), sal, Device.cpu(),
                        false, null));
        assertTrue(size.getMessage().contains(first + ".png") && size.getMessage().contains("7x5"), size.getMessage());
    }

    /** A saliency PNG per train image: 255 where the synthetic mask is an object, 0 elsewhere. */
    static Path saliencyFromMasks(Path data, Path out) {
        return SaliencyMaps.writeFromMasks(VocDataset.open(data, "train"), out);
    }
}
