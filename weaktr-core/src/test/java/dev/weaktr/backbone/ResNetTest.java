package dev.weaktr.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.WeaktrException;
import dev.weaktr.io.SafeTensors;
import dev.weaktr.nn.Parameters;
import dev.weaktr.weights.LoadReport;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The torchvision-layout ResNet: output shapes and strides, the names a torchvision state dict uses, and
 * {@code loadPretrained} from such a file (fc dropped, num_batches_tracked optional, a missing tensor refused). Its
 * numbers are checked against the official code in {@code AffinityParityTest} (ResNet-50 inside AffinityNet).
 */
class ResNetTest {
    @TempDir
    Path tmp;

    @Test
    void shapesNamesAndLoading() {
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 1, false);
            ResNet net = new ResNet(p.scoped("backbone."), ResNet.Config.cpuDemo());
            assertArrayEquals(new int[] {4, 4, 8, 16, 16}, net.strides());
            List<NDArray> maps = net.forward(m.randomNormal(new Shape(1, 3, 64, 48)), null).maps();
            int[] ch = net.channels();
            int[][] size = {{16, 12}, {16, 12}, {8, 6}, {4, 3}, {4, 3}};
            for (int i = 0; i < 5; i++) {
                assertEquals(new Shape(1, ch[i], size[i][0], size[i][1]), maps.get(i).getShape(), "stage " + i);
            }
            assertTrue(p.all().containsKey("backbone.layer2.0.downsample.0.weight"));
            assertTrue(p.all().containsKey("backbone.layer4.0.bn3.running_var"));

            // a torchvision-style file of another init: the same names without the prefix, plus fc
            Parameters other = new Parameters(m, DataType.FLOAT32, 7, false);
            new ResNet(other, ResNet.Config.cpuDemo());
            Map<String, float[]> t = new LinkedHashMap<>();
            Map<String, long[]> s = new LinkedHashMap<>();
            other.all().forEach((k, v) -> {
                if (!k.endsWith("num_batches_tracked")) {
                    t.put(k, v.toFloatArray());
                    s.put(k, v.getShape().getShape());
                }
            });
            t.put("fc.weight", new float[10 * 256]);
            s.put("fc.weight", new long[] {10, 256});
            Path file = tmp.resolve("resnet.safetensors");
            SafeTensors.write(file, t, s, Map.of());
            LoadReport r = net.loadPretrained(file, true);
            assertEquals(List.of("fc.weight"), r.dropped());
            assertArrayEquals(other.get("layer3.0.conv2.weight").toFloatArray(),
                    p.get("backbone.layer3.0.conv2.weight").toFloatArray());

            t.remove("layer1.0.bn2.weight");
            SafeTensors.write(file, t, s, Map.of());
            WeaktrException e = assertThrows(WeaktrException.class, () -> net.loadPretrained(file, false));
            assertTrue(e.getMessage().contains("layer1.0.bn2.weight"), e.getMessage());
        }
    }
}
