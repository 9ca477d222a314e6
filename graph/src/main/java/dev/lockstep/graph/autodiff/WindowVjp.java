package dev.lockstep.graph.autodiff;

import dev.lockstep.graph.BinaryOp.Direction;
import dev.lockstep.graph.Node;
import dev.lockstep.graph.ReduceOp;
import dev.lockstep.graph.WindowOp;

/** Rules for pooling (reduce_window) and its gradient op select_and_scatter. */
final class WindowVjp {
    private WindowVjp() {}

    static Node[] of(WindowOp op, Node n, Node g, boolean[] need, Emit e) {
        Node x = n.operand(0);
        return switch (op) {
            case WindowOp.ReduceWindow w -> new Node[] {switch (w.reduction()) {
                case SUM -> sumPool(w, x, g, e);
                case MAX -> e.op(new WindowOp.SelectAndScatter(w.window(), w.strides(), w.padLow(), w.padHigh()), x, g);
                // min(x) = -max(-x), and the first minimum is the first maximum of -x.
                case MIN -> e.op(new WindowOp.SelectAndScatter(w.window(), w.strides(), w.padLow(), w.padHigh()),
                        e.neg(x), g);
            }};
            // The selected positions are piecewise constant in the operand: zero gradient there.
            case WindowOp.SelectAndScatter s -> new Node[] {
                need[0] ? e.like(x, 0) : null,
                need[1] ? selectedCotangent(s, x, n.operand(1), g, e) : null,
            };
        };
    }

    /**
     * Each input element receives the sum of the cotangents of the windows covering it: dilate
     * the cotangent by the strides, pad it by window-1-padLow below (crop if negative) and sum
     * windows of the same size at stride 1.
     */
    private static Node sumPool(WindowOp.ReduceWindow w, Node x, Node g, Emit e) {
        int r = x.type().rank();
        if (g.shape().size() == 0) {
            return e.like(x, 0);
        }
        int[] lo = new int[r], hi = new int[r], interior = new int[r];
        for (int i = 0; i < r; i++) {
            int glen = (g.shape().dim(i) - 1) * w.strides()[i] + 1;
            lo[i] = w.window()[i] - 1 - w.padLow()[i];
            hi[i] = x.shape().dim(i) + w.padLow()[i] - glen;
            interior[i] = w.strides()[i] - 1;
        }
        Node gp = e.padOrCrop(g, lo, hi, interior, 0);
        int[] zero = new int[r];
        return e.op(new WindowOp.ReduceWindow(ReduceOp.Reduction.SUM, w.window(), Emit.ones(r), zero, zero), gp);
    }

    /**
     * select_and_scatter is linear in its source: result = Sᵀ·source where S picks, per window,
     * the first maximum of the operand. So the source's cotangent is the result's cotangent at
     * that position. Found by scanning window offsets in row-major order (the order the GE select
     * keeps the first maximum in): each offset is a strided slice of the padded operand.
     */
    private static Node selectedCotangent(WindowOp.SelectAndScatter s, Node x, Node source, Node g, Emit e) {
        if (source.shape().size() == 0) {
            return e.like(source, 0);
        }
        int r = x.type().rank();
        int[] interior = new int[r];
        // Padding never wins a window unless the window is all padding, whose cotangent is 0.
        Node xp = e.padOrCrop(x, s.padLow(), s.padHigh(), interior, Double.NEGATIVE_INFINITY);
        Node gp = e.padOrCrop(g, s.padLow(), s.padHigh(), interior, 0);
        Node best = null, picked = null;
        int[] offset = new int[r];
        do {
            int[] limit = new int[r];
            for (int i = 0; i < r; i++) {
                limit[i] = offset[i] + (source.shape().dim(i) - 1) * s.strides()[i] + 1;
            }
            Node xo = e.slice(xp, offset, limit, s.strides());
            Node go = e.slice(gp, offset, limit, s.strides());
            if (best == null) {
                best = xo;
                picked = go;
            } else {
                Node later = e.compare(Direction.GT, xo, best);
                best = e.select(later, xo, best);
                picked = e.select(later, go, picked);
            }
        } while (next(offset, s.window()));
        return picked;
    }

    /** Advances {@code offset} to the next position in the window, row-major; false after the last. */
    private static boolean next(int[] offset, int[] window) {
        for (int i = offset.length - 1; i >= 0; i--) {
            if (++offset[i] < window[i]) {
                return true;
            }
            offset[i] = 0;
        }
        return false;
    }
}
