package dev.weaktr.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.nn.Ops;

/**
 * DINO's self-distillation loss (Caron et al. 2021, eq. 1–2 and Algorithm 1): the teacher's output on each of the
 * two global views, centred and sharpened, P_t = softmax((g_t − c)/τ_t), is the target for the student's output on
 * every other view, P_s = softmax(g_s/τ_s):
 * <pre>  L = mean over pairs (t ∈ globals, s ∈ views, s ≠ t) of  mean over the batch  −Σ_k P_t,k log P_s,k  </pre>
 * then the centre moves as c ← m·c + (1 − m)·mean_batch(g_t) (eq. 4). The centre is a [1, K] state of the run.
 */
public final class DinoLoss {
    private final float studentTemp;
    private final float centerMomentum;
    private NDArray center; // [1, K]

    public DinoLoss(NDManager manager, int outDim, float studentTemp, float centerMomentum) {
        this.studentTemp = studentTemp;
        this.centerMomentum = centerMomentum;
        this.center = manager.zeros(new Shape(1, outDim), DataType.FLOAT32);
    }

    public NDArray center() {
        return center;
    }

    /** Restores the centre (resume). */
    public void setCenter(float[] values) {
        NDArray c = center.getManager().create(values, center.getShape());
        ai.djl.ndarray.NDScope.unregister(c);
        center.close();
        center = c;
    }

    /**
     * @param student [V·B, K] the student's head outputs, view-major (the 2 global views first, then the local ones)
     * @param teacher [2·B, K] the teacher's head outputs on the 2 global views (no gradient)
     * @param views V, the number of student views
     * @param teacherTemp τ_t of this epoch
     * @return the scalar loss (differentiable w.r.t. {@code student}); the centre is not yet updated
     */
    public NDArray compute(NDArray student, NDArray teacher, int views, float teacherTemp) {
        // scalars from libtorch: autograd keeps div's operand, and a Java-number operand may be freed before backward
        NDList s = student.div(Ops.scalar(student, studentTemp)).logSoftmax(-1).split(views, 0);
        NDList t = teacher.sub(center).div(teacherTemp).softmax(-1).stopGradient().split(2, 0);
        NDArray total = null;
        int terms = 0;
        for (int iq = 0; iq < t.size(); iq++) {
            for (int v = 0; v < views; v++) {
                if (v == iq) {
                    continue; // a view is never its own target
                }
                NDArray term = t.get(iq).mul(s.get(v)).sum(new int[] {-1}).neg().mean();
                total = total == null ? term : total.add(term);
                terms++;
            }
        }
        return total.div(Ops.scalar(total, terms));
    }

    /** c ← m·c + (1 − m)·mean over the batch of the teacher outputs (eq. 4). */
    public void updateCenter(NDArray teacher) {
        NDArray batchCenter = teacher.stopGradient().sum(new int[] {0}, true).div(teacher.getShape().get(0));
        NDArray next = center.mul(centerMomentum).add(batchCenter.mul(1 - centerMomentum));
        NDManager m = center.getManager();
        NDArray kept = m.create(next.toFloatArray(), center.getShape());
        ai.djl.ndarray.NDScope.unregister(kept); // the centre outlives the step's scope
        center.close();
        center = kept;
    }
}
