package dev.lockstep.device.xla;

import static dev.lockstep.device.xla.Literals.i64s;
import static dev.lockstep.device.xla.Literals.list;

import dev.lockstep.graph.Convolution;
import dev.lockstep.graph.DotGeneral;
import dev.lockstep.graph.IndexOp;
import dev.lockstep.graph.Node;
import dev.lockstep.tensor.Shape;
import dev.lockstep.tensor.TensorType;
import java.util.List;

/** Ops that carry dimension numbers: gather, scatter-add, dot_general, convolution. */
final class IndexLowering {
    private IndexLowering() {}

    static String lower(MlirWriter w, Node n, IndexOp op, List<String> in) {
        return switch (op) {
            case IndexOp.Gather g -> w.op("stablehlo.gather", n.type(),
                    "dimension_numbers = #stablehlo.gather<offset_dims = " + list(g.offsetDims())
                            + ", collapsed_slice_dims = " + list(g.collapsedSliceDims())
                            + ", start_index_map = " + list(g.startIndexMap())
                            + ", index_vector_dim = " + g.indexVectorDim() + ">, slice_sizes = "
                            + i64s(g.sliceSizes()) + ", indices_are_sorted = false", in.get(0), in.get(1));
            case IndexOp.ScatterAdd s -> scatterAdd(w, n, s, in);
        };
    }

    /** Scatter with an add body; XLA skips updates whose window falls outside the operand. */
    private static String scatterAdd(MlirWriter w, Node n, IndexOp.ScatterAdd s, List<String> in) {
        TensorType scalar = new TensorType(n.dtype(), Shape.scalar());
        String attrs = "scatter_dimension_numbers = #stablehlo.scatter<update_window_dims = "
                + list(s.updateWindowDims()) + ", inserted_window_dims = " + list(s.insertedWindowDims())
                + ", scatter_dims_to_operand_dims = " + list(s.scatterDimsToOperandDims())
                + ", index_vector_dim = " + s.indexVectorDim() + ">, indices_are_sorted = false, unique_indices = false";
        return w.regionOp("stablehlo.scatter", in, List.of(n.type()), attrs, List.of(scalar, scalar),
                args -> List.of(w.op("stablehlo.add", scalar, "", args.get(0), args.get(1)))).getFirst();
    }

    static String dot(MlirWriter w, Node n, DotGeneral d, String a, String b) {
        return w.op("stablehlo.dot_general", n.type(), "dot_dimension_numbers = #stablehlo.dot<lhs_batching_dimensions = "
                + list(d.lhsBatch()) + ", rhs_batching_dimensions = " + list(d.rhsBatch())
                + ", lhs_contracting_dimensions = " + list(d.lhsContracting())
                + ", rhs_contracting_dimensions = " + list(d.rhsContracting()) + ">", a, b);
    }

    /** Channels-last layout, as {@link Convolution} documents. */
    static String convolution(MlirWriter w, Node n, Convolution c, String x, String k) {
        String dims = c.spatialRank() == 1 ? "[b, 0, f]x[0, i, o]->[b, 0, f]" : "[b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f]";
        return w.op("stablehlo.convolution", n.type(), "dimension_numbers = #stablehlo.conv<" + dims + ">"
                + ", window_strides = " + i64s(c.strides()) + ", padding = " + Literals.padding(c.padLow(), c.padHigh())
                + ", lhs_dilation = " + i64s(c.lhsDilation()) + ", rhs_dilation = " + i64s(c.rhsDilation())
                + ", feature_group_count = " + c.featureGroupCount() + " : i64, batch_group_count = 1 : i64", x, k);
    }
}
