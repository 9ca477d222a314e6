package dev.lockstep.device.nd4j;

import static dev.lockstep.device.nd4j.Cpu.assertValues;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lockstep.tensor.DType;
import dev.lockstep.graph.DotGeneral;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Tensor;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class RewritesTest {
    // a = [[1,2,3],[4,5,6]]; a a^T = [[14,32],[32,77]]; a^T a = [[17,22,27],[22,29,36],[27,36,45]].
    private static final HostTensor A = Cpu.f32(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);

    private static int steps(Graph g) {
        try (var e = (Nd4jExecutable) Cpu.DEVICE.compile(g)) {
            return e.scheduledSteps();
        }
    }

    @Test
    void transposedOperandIsReadThroughTheGemmFlag() {
        GraphBuilder b = new GraphBuilder();
        Tensor a = b.input("a", DType.F32, 2, 3);
        Graph g = b.buildTensors(List.of(a.matmul(a.t())));
        assertValues(Cpu.run1(g, A), Shape.of(2, 2), 14, 32, 32, 77);
        assertEquals(1, steps(g), "the transpose is folded into the dot");
    }

    @Test
    void transposeOfADotIsTheSwappedDot() {
        GraphBuilder b = new GraphBuilder();
        Tensor a = b.input("a", DType.F32, 2, 3);
        Tensor c = b.input("c", DType.F32, 2, 2);
        var tn = new DotGeneral(new int[0], new int[0], new int[] {0}, new int[] {0});
        // (a^T c)^T = c^T a, with c = [[1,0],[1,1]]: [[5,7,9],[4,5,6]].
        Graph g = b.buildTensors(List.of(a.dotGeneral(tn, c).t()));
        assertValues(Cpu.run1(g, A, Cpu.f32(new float[] {1, 0, 1, 1}, 2, 2)), Shape.of(2, 3), 5, 7, 9, 4, 5, 6);
        assertEquals(1, steps(g), "the dot runs once, swapped; the transpose is not a separate step");
    }

    @Test
    void dotThatIsAlsoAnOutputIsNotSwapped() {
        GraphBuilder b = new GraphBuilder();
        Tensor a = b.input("a", DType.F32, 2, 3);
        Tensor d = a.t().matmul(a);
        var out = Cpu.run(b.buildTensors(List.of(d, d.t())), A);
        assertValues(out.get(0), Shape.of(3, 3), 17, 22, 27, 22, 29, 36, 27, 36, 45);
        assertValues(out.get(1), Shape.of(3, 3), 17, 22, 27, 22, 29, 36, 27, 36, 45);
    }

    @Test
    void transposeThatReordersFreeDimsIsNotFolded() {
        // x [2, 2, 1] transposed to [2, 2, 1] by (1, 0, 2) contracts its last dim with a [1, 1] matrix:
        // folding would change the order of the two free dims, so the transpose must run.
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 2, 2, 1);
        Tensor one = b.input("one", DType.F32, 1, 1);
        Graph g = b.buildTensors(List.of(x.transpose(1, 0, 2).matmul(one)));
        var out = Cpu.run1(g, Cpu.f32(new float[] {1, 2, 3, 4}, 2, 2, 1), Cpu.f32(new float[] {10}, 1, 1));
        assertValues(out, Shape.of(2, 2, 1), 10, 30, 20, 40);
        assertEquals(2, steps(g));
    }
}
