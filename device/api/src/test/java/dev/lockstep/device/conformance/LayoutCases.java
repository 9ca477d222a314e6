package dev.lockstep.device.conformance;

import static dev.lockstep.device.conformance.CaseBuilder.ALL;
import static dev.lockstep.device.conformance.CaseBuilder.ints;

import dev.lockstep.graph.LayoutOp;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Cases for the ops that move elements. Every dtype (bool included) gets the first configuration
 * of each op; f32 gets all of them, since index arithmetic does not depend on the dtype.
 */
final class LayoutCases {
    private LayoutCases() {}

    static void addAll(CaseBuilder c) {
        for (DType d : ALL) {
            boolean all = d == DType.F32;
            broadcast(c, d, all);
            reshapeTransposeReverse(c, d, all);
            slices(c, d, all);
            concatenate(c, d, all);
            pad(c, d, all);
        }
    }

    private static void broadcast(CaseBuilder c, DType d, boolean all) {
        c.op(new LayoutOp.BroadcastInDim(Shape.of(2, 3), ints()), Input.of(d));
        if (all) {
            c.op(new LayoutOp.BroadcastInDim(Shape.of(2, 3), ints(1)), Input.of(d, 3));
            c.op(new LayoutOp.BroadcastInDim(Shape.of(2, 5), ints(0, 1)), Input.of(d, 2, 1));
            c.op(new LayoutOp.BroadcastInDim(Shape.of(3, 2, 4), ints(0, 2)), Input.of(d, 3, 4));
            c.op(new LayoutOp.BroadcastInDim(Shape.of(0, 3), ints(0)), Input.of(d, 1));
            c.op(new LayoutOp.BroadcastInDim(Shape.of(3, 2, 0), ints(1, 2)), Input.of(d, 2, 0));
            c.op(new LayoutOp.BroadcastInDim(Shape.of(1, 1), ints(1)), Input.of(d, 1));
        }
    }

    private static void reshapeTransposeReverse(CaseBuilder c, DType d, boolean all) {
        c.op(new LayoutOp.Reshape(Shape.of(3, 2)), Input.of(d, 2, 3));
        c.op(new LayoutOp.Transpose(ints(1, 0)), Input.of(d, 2, 3));
        c.op(new LayoutOp.Reverse(ints(0, 1)), Input.of(d, 2, 3));
        if (all) {
            c.op(new LayoutOp.Reshape(Shape.of(1, 6, 1)), Input.of(d, 6));
            c.op(new LayoutOp.Reshape(Shape.of(1, 1)), Input.of(d));
            c.op(new LayoutOp.Reshape(Shape.of()), Input.of(d, 1, 1));
            c.op(new LayoutOp.Reshape(Shape.of(3, 0)), Input.of(d, 0, 3));
            c.op(new LayoutOp.Transpose(ints(2, 0, 1)), Input.of(d, 2, 3, 4));
            c.op(new LayoutOp.Transpose(ints(1, 0, 2)), Input.of(d, 2, 1, 3));
            c.op(new LayoutOp.Transpose(ints()), Input.of(d));
            c.op(new LayoutOp.Transpose(ints(1, 0)), Input.of(d, 0, 3));
            c.op(new LayoutOp.Reverse(ints(1)), Input.of(d, 2, 3, 2));
            c.op(new LayoutOp.Reverse(ints()), Input.of(d, 4));
            c.op(new LayoutOp.Reverse(ints(0)), Input.of(d, 0, 2));
        }
    }

    private static void slices(CaseBuilder c, DType d, boolean all) {
        c.op(new LayoutOp.Slice(ints(1, 0), ints(3, 5), ints(1, 2)), Input.of(d, 4, 5));
        dynamicSlice(c, d, DType.I32, ints(4, 5), ints(2, 3), 1, 1);
        if (all) {
            c.op(new LayoutOp.Slice(ints(0), ints(7), ints(3)), Input.of(d, 7));
            c.op(new LayoutOp.Slice(ints(2, 1), ints(2, 3), ints(1, 1)), Input.of(d, 4, 5));
            c.op(new LayoutOp.Slice(ints(), ints(), ints()), Input.of(d));
            c.op(new LayoutOp.Slice(ints(0, 1, 0), ints(2, 4, 3), ints(2, 2, 2)), Input.of(d, 3, 4, 3));
            // starts past the end and negative starts clamp
            dynamicSlice(c, d, DType.I64, ints(4, 5), ints(2, 3), 3, 4);
            dynamicSlice(c, d, DType.I32, ints(4, 5), ints(2, 3), -2, 100);
            dynamicSlice(c, d, DType.I32, ints(3), ints(0), 2);
            dynamicSlice(c, d, DType.I64, ints(2, 3), ints(2, 3), 1, 1);
        }
    }

    private static void dynamicSlice(CaseBuilder c, DType d, DType index, int[] dims, int[] sizes, int... starts) {
        List<Input> inputs = new ArrayList<>();
        inputs.add(Input.of(d, dims));
        for (int s : starts) {
            inputs.add(Input.range(index, s, s));
        }
        c.op(new LayoutOp.DynamicSlice(sizes), inputs.toArray(Input[]::new));
    }

    private static void concatenate(CaseBuilder c, DType d, boolean all) {
        c.op(new LayoutOp.Concatenate(0), Input.of(d, 2, 3), Input.of(d, 1, 3));
        if (all) {
            c.op(new LayoutOp.Concatenate(1), Input.of(d, 2, 3), Input.of(d, 2, 1), Input.of(d, 2, 2));
            c.op(new LayoutOp.Concatenate(0), Input.of(d, 0, 2), Input.of(d, 3, 2), Input.of(d, 0, 2));
            c.op(new LayoutOp.Concatenate(0), Input.of(d, 4));
            c.op(new LayoutOp.Concatenate(1), Input.of(d, 2, 2, 2), Input.of(d, 2, 1, 2));
        }
    }

    private static void pad(CaseBuilder c, DType d, boolean all) {
        c.op(new LayoutOp.Pad(ints(1, 0), ints(0, 2), ints(0, 0)), Input.of(d, 2, 3), Input.of(d));
        if (all) {
            c.op(new LayoutOp.Pad(ints(1), ints(2), ints(2)), Input.of(d, 3), Input.of(d));
            c.op(new LayoutOp.Pad(ints(0, 1), ints(1, 0), ints(1, 1)), Input.of(d, 2, 3), Input.of(d));
            c.op(new LayoutOp.Pad(ints(2), ints(1), ints(3)), Input.of(d, 0), Input.of(d));
            c.op(new LayoutOp.Pad(ints(0), ints(0), ints(0)), Input.of(d, 1), Input.of(d));
            c.op(new LayoutOp.Pad(ints(), ints(), ints()), Input.of(d), Input.of(d));
        }
    }
}
