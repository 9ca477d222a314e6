package dev.lockstep.device.nd4j;

import static dev.lockstep.device.nd4j.Cpu.assertValues;
import static dev.lockstep.device.nd4j.Cpu.run1;

import dev.lockstep.tensor.DType;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.IndexOp;
import dev.lockstep.graph.Tensor;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class IndexTest {
    private static final HostTensor TABLE = Cpu.f32(new float[] {0, 1, 10, 11, 20, 21}, 3, 2);

    @Test
    void embeddingLookupClampsOutOfRangeIds() {
        GraphBuilder b = new GraphBuilder();
        Tensor t = b.input("t", DType.F32, 3, 2);
        Tensor ids = b.input("ids", DType.I32, 2, 2);
        var out = run1(b.buildTensors(List.of(t.take(ids))), TABLE, HostTensor.ofInts(new int[] {2, 0, 7, -1}, 2, 2));
        assertValues(out, Shape.of(2, 2, 2), 20, 21, 0, 1, 20, 21, 0, 1);
    }

    @Test
    void gatherWindowsWithIndexVector() {
        // Slices of size [2, 1] at (row, col) starts; start (2, 1) clamps to (1, 1).
        GraphBuilder b = new GraphBuilder();
        Tensor t = b.input("t", DType.F32, 3, 2);
        Tensor idx = b.input("idx", DType.I64, 2, 2);
        var g = new IndexOp.Gather(new int[] {1}, new int[] {1}, new int[] {0, 1}, 1, new int[] {2, 1});
        var out = run1(b.buildTensors(List.of(t.gather(g, idx))), TABLE, HostTensor.ofLongs(new long[] {0, 0, 2, 1}, 2, 2));
        assertValues(out, Shape.of(2, 2), 0, 10, 11, 21);
    }

    @Test
    void scatterAddAccumulatesDuplicatesAndSkipsOutOfBounds() {
        GraphBuilder b = new GraphBuilder();
        Tensor t = b.input("t", DType.F32, 3, 2);
        Tensor ids = b.input("ids", DType.I32, 3);
        Tensor upd = b.input("u", DType.F32, 3, 2);
        var s = new IndexOp.ScatterAdd(new int[] {1}, new int[] {0}, new int[] {0}, 1);
        var r = b.wrap(b.add(s, t.node(), ids.node(), upd.node()));
        var out = run1(b.buildTensors(List.of(r)), TABLE, HostTensor.ofInts(new int[] {1, 1, 3}, 3),
                Cpu.f32(new float[] {1, 2, 3, 4, 100, 100}, 3, 2));
        assertValues(out, Shape.of(3, 2), 0, 1, 14, 17, 20, 21);
    }

    @Test
    void integerScatterAdd() {
        GraphBuilder b = new GraphBuilder();
        Tensor t = b.input("t", DType.I64, 4);
        Tensor ids = b.input("ids", DType.I32, 2, 1);
        Tensor upd = b.input("u", DType.I64, 2);
        var s = new IndexOp.ScatterAdd(new int[0], new int[] {0}, new int[] {0}, 1);
        var r = b.wrap(b.add(s, t.node(), ids.node(), upd.node()));
        var out = run1(b.buildTensors(List.of(r)), HostTensor.ofLongs(new long[] {1, 1, 1, 1}, 4),
                HostTensor.ofInts(new int[] {3, 0}, 2, 1), HostTensor.ofLongs(new long[] {5, 7}, 2));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new long[] {8, 1, 1, 6}, (long[]) out.array());
    }
}
