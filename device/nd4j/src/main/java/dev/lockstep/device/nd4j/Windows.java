package dev.lockstep.device.nd4j;

import dev.lockstep.graph.DType;
import dev.lockstep.graph.ReduceOp;
import dev.lockstep.graph.TensorType;
import dev.lockstep.graph.WindowOp;
import java.lang.foreign.MemorySegment;

/**
 * reduce_window and select_and_scatter over any rank. Padding positions hold the reduction's
 * identity, so they never win a max and add nothing to a sum; select_and_scatter only selects real
 * operand elements, the first maximum in row-major window order. Windows that lie wholly inside
 * the operand (all but the borders) read precomputed offsets without bounds checks.
 */
final class Windows {
    private Windows() {}

    static Kernel reduceWindow(WindowOp.ReduceWindow w, TensorType x, TensorType out) {
        Geometry g = new Geometry(x.shape().dims(), out.shape().dims(), w.window(), w.strides(), w.padLow());
        DType t = x.dtype();
        ReduceOp.Reduction red = w.reduction();
        boolean exact = !t.isFloating();
        long lidentity = switch (red) {
            case SUM -> 0;
            case MAX -> t == DType.I32 ? Integer.MIN_VALUE : Long.MIN_VALUE;
            case MIN -> t == DType.I32 ? Integer.MAX_VALUE : Long.MAX_VALUE;
        };
        return (in, o) -> g.forEachWindow((j, base, inside, pos) -> {
            MemorySegment s = in[0];
            if (exact) {
                long acc = lidentity;
                for (int q = 0; q < g.delta.length; q++) {
                    long src = inside ? base + g.delta[q] : g.source(pos, q);
                    if (src >= 0) {
                        long v = Mem.getL(t, s, src);
                        acc = red == ReduceOp.Reduction.SUM ? acc + v
                                : red == ReduceOp.Reduction.MAX ? Math.max(acc, v) : Math.min(acc, v);
                    }
                }
                Mem.setL(t, o, j, acc);
            } else {
                double acc = red.identity();
                for (int q = 0; q < g.delta.length; q++) {
                    long src = inside ? base + g.delta[q] : g.source(pos, q);
                    if (src >= 0) {
                        double v = t == DType.F32 ? s.getAtIndex(Mem.F32, src) : Mem.getD(t, s, src);
                        acc = red == ReduceOp.Reduction.SUM ? acc + v : red.combine(acc, v);
                    }
                }
                Mem.setD(t, o, j, acc);
            }
        });
    }

    static Kernel selectAndScatter(WindowOp.SelectAndScatter sas, TensorType x, TensorType source) {
        Geometry g = new Geometry(x.shape().dims(), source.shape().dims(), sas.window(), sas.strides(), sas.padLow());
        DType t = x.dtype();
        long size = x.shape().size();
        return (in, o) -> {
            if (t == DType.F32 || t == DType.F64) {
                o.fill((byte) 0);
            } else {
                for (long i = 0; i < size; i++) {
                    Mem.setD(t, o, i, 0);
                }
            }
            MemorySegment s = in[0];
            g.forEachWindow((j, base, inside, pos) -> {
                long best = -1;
                double bv = 0;
                for (int q = 0; q < g.delta.length; q++) {
                    long src = inside ? base + g.delta[q] : g.source(pos, q);
                    if (src < 0) {
                        continue;
                    }
                    double v = t == DType.F32 ? s.getAtIndex(Mem.F32, src) : Mem.getD(t, s, src);
                    // select = GE keeps the current pick unless it is smaller: the first maximum wins.
                    if (best < 0 || !(bv >= v)) {
                        best = src;
                        bv = v;
                    }
                }
                if (best >= 0) {
                    Mem.setD(t, o, best, Mem.getD(t, o, best) + Mem.getD(t, in[1], j));
                }
            });
        };
    }

    /** Index arithmetic shared by both ops: output position + window offset to an operand element. */
    private static final class Geometry {
        final int[] in, out, window, strides, padLow;
        final long[] inStrides;
        /** Per window element (row-major): its offset vector and its flat offset from the window's corner. */
        final int[][] offsets;
        final long[] delta;

        Geometry(int[] in, int[] out, int[] window, int[] strides, int[] padLow) {
            this.in = in;
            this.out = out;
            this.window = window;
            this.strides = strides;
            this.padLow = padLow;
            this.inStrides = Strided.rowMajor(in);
            long n = 1;
            for (int v : window) {
                n *= v;
            }
            offsets = new int[(int) n][];
            delta = new long[(int) n];
            for (int q = 0; q < n; q++) {
                int[] wi = new int[in.length];
                long flat = q;
                for (int d = in.length - 1; d >= 0; d--) {
                    wi[d] = (int) (flat % window[d]);
                    flat /= window[d];
                    delta[q] += wi[d] * inStrides[d];
                }
                offsets[q] = wi;
            }
        }

        interface Visitor {
            /** Output {@code j}; {@code base} is the flat corner when {@code inside}; {@code pos} its position. */
            void visit(long j, long base, boolean inside, int[] pos);
        }

        /** Visits every output position in row-major order with an incremental index. */
        void forEachWindow(Visitor v) {
            int r = in.length;
            long n = 1;
            for (int d : out) {
                n *= d;
            }
            if (n == 0) {
                return;
            }
            int[] oi = new int[r];
            int[] pos = new int[r];
            for (long j = 0; j < n; j++) {
                boolean inside = true;
                long base = 0;
                for (int d = 0; d < r; d++) {
                    pos[d] = oi[d] * strides[d] - padLow[d];
                    inside &= pos[d] >= 0 && pos[d] + window[d] <= in[d];
                    base += pos[d] * inStrides[d];
                }
                v.visit(j, base, inside, pos);
                for (int d = r - 1; d >= 0; d--) {
                    if (++oi[d] < out[d]) {
                        break;
                    }
                    oi[d] = 0;
                }
            }
        }

        /** The operand element under window element {@code q} of the window at {@code pos}, or -1 in padding. */
        long source(int[] pos, int q) {
            long off = 0;
            int[] wi = offsets[q];
            for (int d = 0; d < in.length; d++) {
                int p = pos[d] + wi[d];
                if (p < 0 || p >= in[d]) {
                    return -1;
                }
                off += p * inStrides[d];
            }
            return off;
        }
    }
}
