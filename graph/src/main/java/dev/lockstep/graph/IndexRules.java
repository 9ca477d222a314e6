package dev.lockstep.graph;

import dev.lockstep.tensor.Shape;
import static dev.lockstep.graph.ShapeRules.check;

import dev.lockstep.tensor.TensorType;
import java.util.List;

/** Shape rules of gather and scatter (see {@link ShapeRules}). */
final class IndexRules {
    private IndexRules() {}

    static TensorType infer(IndexOp op, List<TensorType> in) {
        TensorType x = in.get(0), idx = in.get(1);
        check(idx.dtype().isInteger(), op, in, "indices must be integers");
        return switch (op) {
            case IndexOp.Gather g -> gather(g, x, idx, in);
            case IndexOp.ScatterAdd s -> scatter(s, x, idx, in.get(2), in);
        };
    }

    /** Index-vector length of an indices tensor (1 when indexVectorDim is the implicit last dim). */
    private static int indexVectorLength(Op op, List<TensorType> in, TensorType idx, int ivd) {
        check(ivd >= 0 && ivd <= idx.rank(), op, in, "index_vector_dim out of range");
        return ivd == idx.rank() ? 1 : idx.shape().dim(ivd);
    }

    private static int[] batchDims(TensorType idx, int ivd) {
        int[] b = new int[ivd == idx.rank() ? idx.rank() : idx.rank() - 1];
        int k = 0;
        for (int i = 0; i < idx.rank(); i++) {
            if (i != ivd) {
                b[k++] = idx.shape().dim(i);
            }
        }
        return b;
    }

    private static TensorType gather(IndexOp.Gather g, TensorType x, TensorType idx, List<TensorType> in) {
        int r = x.rank();
        check(indexVectorLength(g, in, idx, g.indexVectorDim()) == g.startIndexMap().length, g, in,
                "index vector length must equal start_index_map length");
        check(g.sliceSizes().length == r, g, in, "slice_sizes needs one entry per operand dimension");
        ShapeRules.checkAxes(g.startIndexMap(), r, g, in);
        ShapeRules.checkAxes(g.collapsedSliceDims(), r, g, in);
        for (int i = 0; i < r; i++) {
            check(g.sliceSizes()[i] >= 0 && g.sliceSizes()[i] <= x.shape().dim(i), g, in, "slice size " + i + " out of range");
        }
        for (int c : g.collapsedSliceDims()) {
            check(g.sliceSizes()[c] <= 1, g, in, "collapsed dimension " + c + " must have slice size <= 1");
        }
        int[] batch = batchDims(idx, g.indexVectorDim());
        int offsets = r - g.collapsedSliceDims().length;
        check(g.offsetDims().length == offsets, g, in, "offset_dims must list " + offsets + " dimensions");
        int outRank = batch.length + offsets;
        ShapeRules.checkAxes(g.offsetDims(), outRank, g, in);
        int[] offsetSizes = new int[offsets];
        int k = 0;
        for (int i = 0; i < r; i++) {
            if (!contains(g.collapsedSliceDims(), i)) {
                offsetSizes[k++] = g.sliceSizes()[i];
            }
        }
        int[] out = new int[outRank];
        int bi = 0, oi = 0;
        for (int d = 0; d < outRank; d++) {
            out[d] = contains(g.offsetDims(), d) ? offsetSizes[oi++] : batch[bi++];
        }
        for (int i = 1; i < g.offsetDims().length; i++) {
            check(g.offsetDims()[i] > g.offsetDims()[i - 1], g, in, "offset_dims must be sorted");
        }
        return x.withShape(Shape.of(out));
    }

    private static TensorType scatter(IndexOp.ScatterAdd s, TensorType x, TensorType idx, TensorType upd,
                                      List<TensorType> in) {
        int r = x.rank();
        check(upd.dtype() == x.dtype() && !x.dtype().isBool(), s, in, "updates must share the operand's numeric dtype");
        check(indexVectorLength(s, in, idx, s.indexVectorDim()) == s.scatterDimsToOperandDims().length, s, in,
                "index vector length must equal scatter_dims_to_operand_dims length");
        ShapeRules.checkAxes(s.scatterDimsToOperandDims(), r, s, in);
        ShapeRules.checkAxes(s.insertedWindowDims(), r, s, in);
        int[] batch = batchDims(idx, s.indexVectorDim());
        int window = r - s.insertedWindowDims().length;
        check(s.updateWindowDims().length == window, s, in, "update_window_dims must list " + window + " dimensions");
        check(upd.rank() == batch.length + window, s, in, "updates must have rank " + (batch.length + window));
        ShapeRules.checkAxes(s.updateWindowDims(), upd.rank(), s, in);
        int bi = 0, wi = 0;
        int[] windowOperandDims = new int[window];
        for (int i = 0, k = 0; i < r; i++) {
            if (!contains(s.insertedWindowDims(), i)) {
                windowOperandDims[k++] = i;
            }
        }
        for (int d = 0; d < upd.rank(); d++) {
            if (contains(s.updateWindowDims(), d)) {
                int od = windowOperandDims[wi++];
                check(upd.shape().dim(d) <= x.shape().dim(od), s, in, "update window dimension " + d + " exceeds operand");
            } else {
                check(upd.shape().dim(d) == batch[bi++], s, in, "update scatter dimension " + d + " must match indices");
            }
        }
        return x;
    }

    static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }
}
