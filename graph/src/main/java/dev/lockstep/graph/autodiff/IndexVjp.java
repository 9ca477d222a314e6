package dev.lockstep.graph.autodiff;

import dev.lockstep.graph.BinaryOp.Direction;
import dev.lockstep.graph.IndexOp;
import dev.lockstep.graph.Node;
import dev.lockstep.graph.ReduceOp;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Rules for gather, scatter-add and dynamic slice. Gather and dynamic slice clamp their start
 * indices while scatter-add skips out-of-bounds windows, so each rule makes the other side's
 * index handling explicit: indices are clamped before scattering, and gathered cotangents of
 * skipped updates are zeroed.
 */
final class IndexVjp {
    private IndexVjp() {}

    static Node[] of(IndexOp op, Node n, Node g, boolean[] need, Emit e) {
        return switch (op) {
            case IndexOp.Gather ga -> new Node[] {ungather(ga, n, g, e), null};
            case IndexOp.ScatterAdd s -> new Node[] {g, null, need[2] ? unscatter(s, n, g, e) : null};
        };
    }

    /** Scatter-adds the cotangent into zeros of the operand's shape at the clamped start indices. */
    private static Node ungather(IndexOp.Gather ga, Node n, Node g, Emit e) {
        Node x = n.operand(0), idx = n.operand(1);
        int[] map = ga.startIndexMap();
        double[] upper = new double[map.length];
        for (int i = 0; i < map.length; i++) {
            upper[i] = x.shape().dim(map[i]) - ga.sliceSizes()[map[i]];
        }
        Node clamped = e.min(e.max(idx, e.like(idx, 0)), perComponent(idx, ga.indexVectorDim(), upper, e));
        var scatter = new IndexOp.ScatterAdd(ga.offsetDims(), ga.collapsedSliceDims(), map, ga.indexVectorDim());
        return e.op(scatter, e.like(x, 0), clamped, g);
    }

    /** Gathers the cotangent at each update's window; updates the scatter skipped get zero. */
    private static Node unscatter(IndexOp.ScatterAdd s, Node n, Node g, Emit e) {
        Node idx = n.operand(1), upd = n.operand(2);
        int r = n.type().rank();
        int[] windowDims = s.updateWindowDims();
        int[] sizes = new int[r];
        for (int d = 0, w = 0; d < r; d++) {
            sizes[d] = Emit.contains(s.insertedWindowDims(), d) ? 1 : upd.shape().dim(windowDims[w++]);
        }
        var gather = new IndexOp.Gather(windowDims, s.insertedWindowDims(), s.scatterDimsToOperandDims(),
                s.indexVectorDim(), sizes);
        Node gathered = e.op(gather, g, idx);
        int[] map = s.scatterDimsToOperandDims();
        double[] upper = new double[map.length];
        for (int i = 0; i < map.length; i++) {
            upper[i] = n.shape().dim(map[i]) - sizes[map[i]];
        }
        Node inBounds = inBounds(idx, s.indexVectorDim(), upper, e);
        Node mask = e.broadcast(inBounds, upd.shape(), Emit.complement(upd.type().rank(), windowDims));
        return e.select(mask, gathered, e.like(gathered, 0));
    }

    /** Bool over the index batch dims: every component of the index vector lies in [0, upper]. */
    private static Node inBounds(Node idx, int ivd, double[] upper, Emit e) {
        Node ok = e.mul(e.convert(e.compare(Direction.GE, idx, e.like(idx, 0)), DType.I32),
                e.convert(e.compare(Direction.LE, idx, perComponent(idx, ivd, upper, e)), DType.I32));
        if (ivd < idx.type().rank()) {
            ok = e.op(new ReduceOp.Reduce(ReduceOp.Reduction.MIN, new int[] {ivd}), ok);
        }
        return e.compare(Direction.EQ, ok, e.like(ok, 1));
    }

    /** A tensor shaped like {@code idx} holding {@code values[k]} at index-vector component k. */
    private static Node perComponent(Node idx, int ivd, double[] values, Emit e) {
        if (ivd == idx.type().rank()) {
            return e.like(idx, values[0]);
        }
        return e.broadcast(e.vector(idx.dtype(), values), idx.shape(), new int[] {ivd});
    }

    /** Scatter-adds the cotangent into zeros of the operand's shape at the clamped starts. */
    static Node[] dynamicSlice(Node n, Node g, Emit e) {
        Node x = n.operand(0);
        int r = x.type().rank();
        Node[] out = new Node[r + 1];
        if (r == 0) {
            out[0] = g;
            return out;
        }
        DType it = n.operand(1).dtype();
        for (int i = 2; i <= r; i++) {
            if (n.operand(i).dtype() != it) {
                it = DType.I64;
            }
        }
        List<Node> starts = new ArrayList<>(r);
        for (int i = 0; i < r; i++) {
            Node s = e.convert(n.operand(i + 1), it);
            Node c = e.min(e.max(s, e.like(s, 0)), e.like(s, x.shape().dim(i) - n.shape().dim(i)));
            starts.add(e.reshape(c, Shape.of(1)));
        }
        Node idx = r == 1 ? starts.getFirst() : e.op(new dev.lockstep.graph.LayoutOp.Concatenate(0), starts);
        int[] all = Emit.range(0, r);
        var scatter = new IndexOp.ScatterAdd(all, new int[0], all, 0);
        out[0] = e.op(scatter, e.like(x, 0), idx, g);
        return out;
    }
}
