package dev.lockstep.device.xla;

import static dev.lockstep.device.xla.Literals.i64s;

import dev.lockstep.graph.LayoutOp;
import dev.lockstep.graph.Node;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.List;

/** Layout ops: broadcast, reshape, transpose, slices, concatenate, pad, reverse. */
final class LayoutLowering {
    private LayoutLowering() {}

    static String lower(MlirWriter w, Node n, LayoutOp op, List<String> in) {
        String x = in.getFirst();
        TensorType t = n.type();
        String[] all = in.toArray(String[]::new);
        return switch (op) {
            case LayoutOp.BroadcastInDim b -> w.op("stablehlo.broadcast_in_dim", t, "broadcast_dimensions = " + i64s(b.dims()), x);
            case LayoutOp.Reshape r -> w.op("stablehlo.reshape", t, "", x);
            case LayoutOp.Transpose p -> w.op("stablehlo.transpose", t, "permutation = " + i64s(p.permutation()), x);
            case LayoutOp.Slice s -> w.op("stablehlo.slice", t, "start_indices = " + i64s(s.start())
                    + ", limit_indices = " + i64s(s.limit()) + ", strides = " + i64s(s.strides()), x);
            case LayoutOp.DynamicSlice d -> dynamicSlice(w, t, d, in);
            case LayoutOp.Concatenate c -> w.op("stablehlo.concatenate", t, "dimension = " + c.axis() + " : i64", all);
            case LayoutOp.Pad p -> w.op("stablehlo.pad", t, "edge_padding_low = " + i64s(p.low())
                    + ", edge_padding_high = " + i64s(p.high()) + ", interior_padding = " + i64s(p.interior()), x, in.get(1));
            case LayoutOp.Reverse r -> w.op("stablehlo.reverse", t, "dimensions = " + i64s(r.axes()), x);
        };
    }

    /** StableHLO wants every start index of one type; mixed i32/i64 starts are widened to i64. */
    private static String dynamicSlice(MlirWriter w, TensorType t, LayoutOp.DynamicSlice d, List<String> in) {
        List<String> ops = new ArrayList<>(in);
        boolean mixed = in.stream().skip(1).map(v -> w.typeOf(v).dtype()).distinct().count() > 1;
        if (mixed) {
            for (int i = 1; i < ops.size(); i++) {
                if (w.typeOf(ops.get(i)).dtype() != DType.I64) {
                    ops.set(i, w.op("stablehlo.convert", TensorType.of(DType.I64), "", ops.get(i)));
                }
            }
        }
        return w.op("stablehlo.dynamic_slice", t, "slice_sizes = " + i64s(d.sizes()), ops.toArray(String[]::new));
    }
}
