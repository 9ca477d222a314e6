package dev.lockstep.graph.autodiff;

import dev.lockstep.graph.LayoutOp;
import dev.lockstep.graph.Node;
import java.util.ArrayList;
import java.util.List;

/** Rules for ops that move elements: each cotangent is the inverse movement of the result's. */
final class LayoutVjp {
    private LayoutVjp() {}

    static Node[] of(LayoutOp op, Node n, Node g, boolean[] need, Emit e) {
        Node x = n.operand(0);
        return switch (op) {
            case LayoutOp.BroadcastInDim b -> new Node[] {unbroadcast(b, x, g, e)};
            case LayoutOp.Reshape r -> new Node[] {e.reshape(g, x.shape())};
            case LayoutOp.Transpose t -> new Node[] {e.transpose(g, Emit.inverse(t.permutation()))};
            case LayoutOp.Slice s -> new Node[] {unslice(s, x, g, e)};
            case LayoutOp.DynamicSlice d -> IndexVjp.dynamicSlice(n, g, e);
            case LayoutOp.Concatenate c -> unconcat(c, n, g, need, e);
            case LayoutOp.Pad p -> unpad(p, n, g, need, e);
            case LayoutOp.Reverse r -> new Node[] {e.reverse(g, r.axes())};
        };
    }

    /** Sums the cotangent over the dimensions the broadcast added or expanded from 1. */
    private static Node unbroadcast(LayoutOp.BroadcastInDim b, Node x, Node g, Emit e) {
        int[] dims = b.dims();
        List<Integer> axes = new ArrayList<>();
        for (int d = 0; d < b.shape().rank(); d++) {
            int i = Emit.indexOf(dims, d);
            if (i < 0 || (x.shape().dim(i) == 1 && b.shape().dim(d) != 1)) {
                axes.add(d);
            }
        }
        Node summed = e.sum(g, axes.stream().mapToInt(Integer::intValue).toArray());
        return e.reshape(summed, x.shape());
    }

    /** Puts the cotangent back where the slice took it from: edge padding, interior for strides. */
    private static Node unslice(LayoutOp.Slice s, Node x, Node g, Emit e) {
        int r = x.type().rank();
        if (g.shape().size() == 0) {
            return e.like(x, 0);
        }
        int[] hi = new int[r], interior = new int[r];
        for (int i = 0; i < r; i++) {
            int last = s.start()[i] + (g.shape().dim(i) - 1) * s.strides()[i];
            hi[i] = x.shape().dim(i) - 1 - last;
            interior[i] = s.strides()[i] - 1;
        }
        return e.padOrCrop(g, s.start(), hi, interior, 0);
    }

    private static Node[] unconcat(LayoutOp.Concatenate c, Node n, Node g, boolean[] need, Emit e) {
        int axis = c.axis();
        Node[] out = new Node[n.operands().size()];
        int offset = 0;
        for (int i = 0; i < out.length; i++) {
            Node x = n.operand(i);
            int len = x.shape().dim(axis);
            if (need[i]) {
                int[] start = new int[x.type().rank()], limit = g.shape().dims();
                start[axis] = offset;
                limit[axis] = offset + len;
                out[i] = e.slice(g, start, limit, Emit.ones(x.type().rank()));
            }
            offset += len;
        }
        return out;
    }

    /**
     * The operand's cotangent is the strided slice of the result's at the operand's positions; the
     * padding value received every other element, so its cotangent is the total minus that part.
     */
    private static Node[] unpad(LayoutOp.Pad p, Node n, Node g, boolean[] need, Emit e) {
        Node x = n.operand(0);
        int r = x.type().rank();
        Node gx;
        if (x.shape().size() == 0) {
            gx = e.like(x, 0);
        } else {
            int[] limit = new int[r], strides = new int[r];
            for (int i = 0; i < r; i++) {
                strides[i] = p.interior()[i] + 1;
                limit[i] = p.low()[i] + (x.shape().dim(i) - 1) * strides[i] + 1;
            }
            gx = e.slice(g, p.low(), limit, strides);
        }
        Node gv = null;
        if (need[1]) {
            int[] all = Emit.range(0, r);
            gv = e.sub(e.sum(g, all), e.sum(gx, all));
        }
        return new Node[] {gx, gv};
    }
}
