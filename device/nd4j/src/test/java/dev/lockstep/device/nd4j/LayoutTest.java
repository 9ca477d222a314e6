package dev.lockstep.device.nd4j;

import static dev.lockstep.device.nd4j.Cpu.assertValues;
import static dev.lockstep.device.nd4j.Cpu.run1;

import dev.lockstep.tensor.DType;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Tensor;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayoutTest {
    private static final HostTensor X23 = Cpu.f32(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);

    private static Tensor x(GraphBuilder b) {
        return b.input("x", DType.F32, 2, 3);
    }

    @Test
    void broadcastInDimRepeatsAlongNewAndUnitDims() {
        GraphBuilder b = new GraphBuilder();
        Tensor v = b.input("v", DType.F32, 3);
        var out = run1(b.buildTensors(List.of(v.broadcastInDim(Shape.of(2, 3), 1))), Cpu.f32(new float[] {7, 8, 9}, 3));
        assertValues(out, Shape.of(2, 3), 7, 8, 9, 7, 8, 9);
        GraphBuilder c = new GraphBuilder();
        Tensor col = c.input("c", DType.F32, 2, 1);
        var out2 = run1(c.buildTensors(List.of(col.broadcastInDim(Shape.of(2, 3), 0, 1))), Cpu.f32(new float[] {1, 2}, 2, 1));
        assertValues(out2, Shape.of(2, 3), 1, 1, 1, 2, 2, 2);
    }

    @Test
    void transposeAndReshape() {
        GraphBuilder b = new GraphBuilder();
        Tensor t = x(b).t();
        var out = Cpu.run(b.buildTensors(List.of(t, t.reshape(6), t.reshape(3, 2).add(1.0))), X23);
        assertValues(out.get(0), Shape.of(3, 2), 1, 4, 2, 5, 3, 6);
        assertValues(out.get(1), Shape.of(6), 1, 4, 2, 5, 3, 6);
        assertValues(out.get(2), Shape.of(3, 2), 2, 5, 3, 6, 4, 7);
    }

    @Test
    void stridedSliceAndReverse() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = x(b);
        var out = Cpu.run(b.buildTensors(List.of(x.slice(new int[] {0, 0}, new int[] {2, 3}, new int[] {1, 2}),
                x.reverse(1), x.reverse(0, 1))), X23);
        assertValues(out.get(0), Shape.of(2, 2), 1, 3, 4, 6);
        assertValues(out.get(1), Shape.of(2, 3), 3, 2, 1, 6, 5, 4);
        assertValues(out.get(2), Shape.of(2, 3), 6, 5, 4, 3, 2, 1);
    }

    @Test
    void dynamicSliceClampsStarts() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = x(b);
        Tensor i = b.input("i", DType.I32);
        Tensor j = b.input("j", DType.I64);
        var g = b.buildTensors(List.of(x.dynamicSlice(List.of(i, j), 1, 2)));
        assertValues(run1(g, X23, HostTensor.ofInts(new int[] {1}), HostTensor.ofLongs(new long[] {1})), Shape.of(1, 2), 5, 6);
        // Start (5, -3) clamps to (1, 0): the slice is kept inside the operand.
        assertValues(run1(g, X23, HostTensor.ofInts(new int[] {5}), HostTensor.ofLongs(new long[] {-3})), Shape.of(1, 2), 4, 5);
    }

    @Test
    void concatenateAlongEachAxis() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = x(b);
        Tensor y = b.input("y", DType.F32, 2, 1);
        var out = Cpu.run(b.buildTensors(List.of(x.concat(1, y), x.concat(0, x))), X23, Cpu.f32(new float[] {9, 8}, 2, 1));
        assertValues(out.get(0), Shape.of(2, 4), 1, 2, 3, 9, 4, 5, 6, 8);
        assertValues(out.get(1), Shape.of(4, 3), 1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6);
    }

    @Test
    void padWithEdgesAndInterior() {
        GraphBuilder b = new GraphBuilder();
        Tensor v = b.input("v", DType.I32, 3);
        var out = run1(b.buildTensors(List.of(v.pad(new int[] {1}, new int[] {2}, new int[] {1}, -1))),
                HostTensor.ofInts(new int[] {1, 2, 3}, 3));
        assertValues(out, Shape.of(8), -1, 1, -1, 2, -1, 3, -1, -1);
        GraphBuilder c = new GraphBuilder();
        var out2 = run1(c.buildTensors(List.of(x(c).pad(new int[] {0, 1}, new int[] {1, 0}, new int[] {0, 0}, 0))), X23);
        assertValues(out2, Shape.of(3, 4), 0, 1, 2, 3, 0, 4, 5, 6, 0, 0, 0, 0);
    }
}
