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

/** Elementwise kernels read bias, scalar and splat operands without materialised broadcasts. */
class NarrowedOperandsTest {
    @Test
    void biasAndScalarBroadcastsAreReadInPlace() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 2, 3);
        Tensor bias = b.input("bias", DType.F32, 3);
        Tensor s = b.input("s", DType.F32);
        Graph g = b.buildTensors(List.of(x.add(bias).mul(s), s.sub(x), x.gt(s).select(x, x.scalar(-1))));
        var out = Cpu.run(g, Cpu.f32(new float[] {1, 2, 3, 4, 5, 6}, 2, 3), Cpu.f32(new float[] {10, 20, 30}, 3),
                Cpu.f32(new float[] {2}));
        assertValues(out.get(0), Shape.of(2, 3), 22, 44, 66, 28, 50, 72);
        assertValues(out.get(1), Shape.of(2, 3), 1, 0, -1, -2, -3, -4);
        assertValues(out.get(2), Shape.of(2, 3), -1, -1, 3, 4, 5, 6);
        try (var e = (Nd4jExecutable) Cpu.DEVICE.compile(g)) {
            assertEquals(3, e.scheduledSteps(), "fused (x + bias) * s, then sub, fused select(x > s, x, -1); no broadcast is materialised");
        }
    }

    @Test
    void scalarOperandSpanningSeveralChunks() {
        int n = 5000;
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F64, n);
        Graph g = b.buildTensors(List.of(x.div(4.0)));
        double[] v = new double[n];
        double[] expected = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
            expected[i] = i / 4.0;
        }
        assertValues(Cpu.run1(g, HostTensor.ofDoubles(v, n)), Shape.of(n), expected);
    }

    @Test
    void splatConstantBranchOfSelect() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 4);
        Tensor half = b.constant(dev.lockstep.tensor.TensorType.of(DType.F32, 4), 0.5);
        Graph g = b.buildTensors(List.of(x.gt(0.0).select(x, half)));
        assertValues(Cpu.run1(g, Cpu.f32(new float[] {-1, 2, 0, 3}, 4)), Shape.of(4), 0.5, 2, 0.5, 3);
    }
}
