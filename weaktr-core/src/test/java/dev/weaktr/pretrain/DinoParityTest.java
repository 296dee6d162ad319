package dev.weaktr.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.weaktr.io.Npy;
import dev.weaktr.nn.Parameters;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * DINO's head, loss, centre and schedules against PyTorch: fixtures written by tools/fixtures/dino_fixture.py on
 * Debian's torch 1.13 (torch.nn.utils.weight_norm, F.normalize, F.log_softmax, numpy's linspace/cos; see its
 * docstring), read here as .npy files.
 */
class DinoParityTest {
    static Npy.FloatArray fx(String name) {
        try (InputStream in = DinoParityTest.class.getResourceAsStream("dino/" + name + ".npy")) {
            return Npy.read(in, name);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static long[] shape(Npy.FloatArray a) {
        long[] s = new long[a.shape().length];
        for (int i = 0; i < s.length; i++) {
            s[i] = a.shape()[i];
        }
        return s;
    }

    static void close(float[] want, float[] got, double tol, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tol * Math.max(1, Math.abs(want[i])), what + "[" + i + "]");
        }
    }

    @Test
    void headForwardAndGradientsMatchPytorch() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 0);
            DinoHead head = new DinoHead(p, "head", 8, new DinoHead.Config(16, 4, 10));
            Map<String, float[]> values = new HashMap<>();
            Map<String, long[]> shapes = new HashMap<>();
            for (String name : p.all().keySet()) {
                Npy.FloatArray a = fx(name);
                values.put(name, a.data());
                shapes.put(name, shape(a));
            }
            p.load(values, shapes, "fixture");
            NDArray x = m.create(fx("x").data(), new Shape(5, 8));
            NDArray r = m.create(fx("r").data(), new Shape(5, 10));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = head.forward(x);
                close(fx("y").data(), y.toFloatArray(), 1e-5, "head output");
                gc.backward(y.mul(r).sum());
            }
            for (String name : p.all().keySet()) {
                close(fx("grad." + name).data(), p.get(name).getGradient().toFloatArray(), 1e-4, "grad " + name);
            }
        }
    }

    @Test
    void lossGradientAndCentreMatchPytorch() {
        try (NDManager m = NDManager.newBaseManager()) {
            DinoLoss loss = new DinoLoss(m, 10, 0.1f, 0.9f);
            loss.setCenter(fx("center").data());
            NDArray student = m.create(fx("student").data(), new Shape(12, 10));
            student.setRequiresGradient(true);
            NDArray teacher = m.create(fx("teacher").data(), new Shape(6, 10));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray l = loss.compute(student, teacher, 4, 0.05f);
                assertEquals(fx("loss").data()[0], l.getFloat(), 1e-5);
                gc.backward(l);
            }
            close(fx("grad.student").data(), student.getGradient().toFloatArray(), 1e-4, "dL/dstudent");
            loss.updateCenter(teacher);
            close(fx("new_center").data(), loss.center().toFloatArray(), 1e-6, "centre");
        }
    }

    @Test
    void schedulesMatchTheNumpyFormulas() {
        float[] lr = fx("schedule_lr").data();
        DinoSchedule s = new DinoSchedule(5e-4, 1e-6, 3, 4, 1, 0);
        for (int i = 0; i < lr.length; i++) {
            assertEquals(lr[i], s.at(i), 1e-9, "lr step " + i);
        }
        float[] mom = fx("schedule_momentum").data();
        DinoSchedule t = new DinoSchedule(0.996, 1.0, 3, 4, 0, 0);
        for (int i = 0; i < mom.length; i++) {
            assertEquals(mom[i], t.at(i), 1e-7, "momentum step " + i);
        }
        float[] temp = fx("teacher_temp").data();
        for (int e = 0; e < temp.length; e++) {
            assertEquals(temp[e], DinoSchedule.teacherTemp(e, 0.04, 0.07, 3), 1e-7, "teacher temp epoch " + e);
        }
    }
}
