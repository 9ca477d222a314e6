package dev.lockstep.graph;

import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.Shape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.tensor.TensorType;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayoutAndIndexRulesTest {
    private static TensorType f32(int... dims) {
        return TensorType.of(DType.F32, dims);
    }

    private static TensorType infer(Op op, TensorType... in) {
        return ShapeRules.infer(op, List.of(in));
    }

    @Test
    void sliceCountsStridedElements() {
        var s = new LayoutOp.Slice(new int[] {1, 0}, new int[] {6, 3}, new int[] {2, 1});
        assertEquals(f32(3, 3), infer(s, f32(7, 3)));
        assertThrows(IllegalArgumentException.class, () -> infer(s, f32(5, 3)));
    }

    @Test
    void padAddsEdgesAndInteriorButNotAroundEmptyDims() {
        var p = new LayoutOp.Pad(new int[] {1, 0}, new int[] {2, 0}, new int[] {1, 3});
        assertEquals(f32(1 + 2 + 4 + 3, 0), infer(p, f32(4, 0), f32()));
        var e = assertThrows(IllegalArgumentException.class, () -> infer(p, f32(4, 0), TensorType.of(DType.F64)));
        assertTrue(e.getMessage().contains("padding value"), e.getMessage());
    }

    @Test
    void concatenateSumsAxisAndChecksOtherDims() {
        var c = new LayoutOp.Concatenate(1);
        assertEquals(f32(2, 7), infer(c, f32(2, 3), f32(2, 0), f32(2, 4)));
        var e = assertThrows(IllegalArgumentException.class, () -> infer(c, f32(2, 3), f32(3, 4)));
        assertTrue(e.getMessage().contains("dimension 0"), e.getMessage());
    }

    @Test
    void broadcastInDimRequiresOneOrEqualSizes() {
        var ok = new LayoutOp.BroadcastInDim(Shape.of(4, 3), new int[] {1});
        assertEquals(f32(4, 3), infer(ok, f32(3)));
        var bad = new LayoutOp.BroadcastInDim(Shape.of(4, 3), new int[] {0});
        var e = assertThrows(IllegalArgumentException.class, () -> infer(bad, f32(3)));
        assertTrue(e.getMessage().contains("cannot broadcast to 4"), e.getMessage());
    }

    @Test
    void dotGeneralPutsBatchThenLhsFreeThenRhsFree() {
        var d = new DotGeneral(new int[] {0}, new int[] {1}, new int[] {2}, new int[] {0});
        assertEquals(f32(5, 3, 7), infer(d, f32(5, 3, 4), f32(4, 5, 7)));
    }

    @Test
    void generalGatherPlacesBatchAndOffsetDims() {
        // operand [6, 5, 4]; indices [3, 2] hold (dim0, dim2) starts; slices of [1, 5, 2], dim0 collapsed.
        var g = new IndexOp.Gather(new int[] {1, 2}, new int[] {0}, new int[] {0, 2}, 1, new int[] {1, 5, 2});
        assertEquals(f32(3, 5, 2), infer(g, f32(6, 5, 4), TensorType.of(DType.I32, 3, 2)));
        var wrongMap = new IndexOp.Gather(new int[] {1, 2}, new int[] {0}, new int[] {0}, 1, new int[] {1, 5, 2});
        assertThrows(IllegalArgumentException.class, () -> infer(wrongMap, f32(6, 5, 4), TensorType.of(DType.I32, 3, 2)));
    }

    @Test
    void scatterAddKeepsOperandTypeAndChecksUpdates() {
        var s = new IndexOp.ScatterAdd(new int[] {1}, new int[] {0}, new int[] {0}, 1);
        assertEquals(f32(10, 4), infer(s, f32(10, 4), TensorType.of(DType.I32, 6), f32(6, 4)));
        assertThrows(IllegalArgumentException.class, () -> infer(s, f32(10, 4), TensorType.of(DType.I32, 6), f32(5, 4)));
    }

    @Test
    void windowOpsAndArgMax() {
        var pool = new WindowOp.ReduceWindow(ReduceOp.Reduction.MAX, new int[] {1, 2, 2, 1}, new int[] {1, 2, 2, 1},
                new int[4], new int[4]);
        assertEquals(f32(2, 14, 14, 3), infer(pool, f32(2, 28, 28, 3)));
        var sas = new WindowOp.SelectAndScatter(new int[] {1, 2, 2, 1}, new int[] {1, 2, 2, 1}, new int[4], new int[4]);
        assertEquals(f32(2, 28, 28, 3), infer(sas, f32(2, 28, 28, 3), f32(2, 14, 14, 3)));
        assertThrows(IllegalArgumentException.class, () -> infer(sas, f32(2, 28, 28, 3), f32(2, 14, 13, 3)));
        assertEquals(TensorType.of(DType.I32, 8), infer(new ReduceOp.ArgMax(1, DType.I32), f32(8, 10)));
    }

    @Test
    void randomBitsNeedsI64ScalarKeyAndCounter() {
        var r = new RandomBits(Shape.of(4, 4));
        TensorType i64 = TensorType.of(DType.I64);
        assertEquals(TensorType.of(DType.I32, 4, 4), infer(r, i64, i64));
        assertThrows(IllegalArgumentException.class, () -> infer(r, TensorType.of(DType.I32), i64));
    }

    @Test
    void convolutionChecksGroupsAndChannels() {
        var c = new Convolution(new int[] {1}, new int[] {0}, new int[] {0}, new int[] {1}, new int[] {1}, 2);
        assertEquals(f32(3, 8, 6), infer(c, f32(3, 10, 4), f32(3, 2, 6)));
        var e = assertThrows(IllegalArgumentException.class, () -> infer(c, f32(3, 10, 4), f32(3, 4, 6)));
        assertTrue(e.getMessage().contains("kernel input channels"), e.getMessage());
        // lhs dilation 2 turns 5 inputs into 9; kernel 3 dilated by 2 spans 5: 9 + 2 - 5 + 1 = 7.
        var t = new Convolution(new int[] {1}, new int[] {1}, new int[] {1}, new int[] {2}, new int[] {2}, 1);
        assertEquals(f32(1, 7, 1), infer(t, f32(1, 5, 1), f32(3, 1, 1)));
    }
}
