package dev.lockstep.device.nd4j;

import dev.lockstep.graph.ReduceOp;
import dev.lockstep.tensor.DType;
import dev.lockstep.graph.WindowOp;
import dev.lockstep.tensor.Shape;
import dev.lockstep.tensor.TensorType;
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
        Geometry g = Geometry.of(x.shape().dims(), out.shape().dims(), w.window(), w.strides(), w.padLow(), w.padHigh());
        DType t = x.dtype();
        ReduceOp.Reduction red = w.reduction();
        int inner = g.inner;
        if (!t.isFloating()) {
            long identity = switch (red) {
                case SUM -> 0;
                case MAX -> t == DType.I32 ? Integer.MIN_VALUE : Long.MIN_VALUE;
                case MIN -> t == DType.I32 ? Integer.MAX_VALUE : Long.MAX_VALUE;
            };
            long[] acc = new long[inner];
            return (in, o) -> g.forEachWindow((j, base, inside, pos) -> {
                java.util.Arrays.fill(acc, identity);
                for (int q = 0; q < g.delta.length; q++) {
                    long src = inside ? base + g.delta[q] : g.source(pos, q);
                    for (int c = 0; src >= 0 && c < inner; c++) {
                        long v = Mem.getL(t, in[0], src + c);
                        acc[c] = switch (red) {
                            case SUM -> acc[c] + v;
                            case MAX -> Math.max(acc[c], v);
                            case MIN -> Math.min(acc[c], v);
                        };
                    }
                }
                for (int c = 0; c < inner; c++) {
                    Mem.setL(t, o, j + c, acc[c]);
                }
            });
        }
        double[] acc = new double[inner];
        return (in, o) -> g.forEachWindow((j, base, inside, pos) -> {
            java.util.Arrays.fill(acc, red.identity());
            MemorySegment s = in[0];
            for (int q = 0; q < g.delta.length; q++) {
                long src = inside ? base + g.delta[q] : g.source(pos, q);
                if (src < 0) {
                    continue;
                }
                // Math.max/min propagate NaN, as the reduction's combiner specifies.
                for (int c = 0; c < inner; c++) {
                    double v = t == DType.F32 ? s.getAtIndex(Mem.F32, src + c) : Mem.getD(t, s, src + c);
                    acc[c] = switch (red) {
                        case SUM -> acc[c] + v;
                        case MAX -> Math.max(acc[c], v);
                        case MIN -> Math.min(acc[c], v);
                    };
                }
            }
            for (int c = 0; c < inner; c++) {
                Mem.setD(t, o, j + c, acc[c]);
            }
        });
    }

    static Kernel selectAndScatter(WindowOp.SelectAndScatter sas, TensorType x, TensorType source) {
        Geometry g = Geometry.of(x.shape().dims(), source.shape().dims(), sas.window(), sas.strides(), sas.padLow(),
                sas.padHigh());
        DType t = x.dtype();
        int inner = g.inner;
        long[] best = new long[inner];
        double[] bv = new double[inner];
        return (in, o) -> {
            o.fill((byte) 0); // +0.0 in every floating dtype (ShapeRules: select_and_scatter is float-only)
            MemorySegment s = in[0];
            g.forEachWindow((j, base, inside, pos) -> {
                java.util.Arrays.fill(best, -1);
                for (int q = 0; q < g.delta.length; q++) {
                    long src = inside ? base + g.delta[q] : g.source(pos, q);
                    for (int c = 0; src >= 0 && c < inner; c++) {
                        double v = t == DType.F32 ? s.getAtIndex(Mem.F32, src + c) : Mem.getD(t, s, src + c);
                        // select = GE keeps the current pick unless it is smaller: the first maximum wins.
                        if (best[c] < 0 || !(bv[c] >= v)) {
                            best[c] = src + c;
                            bv[c] = v;
                        }
                    }
                }
                for (int c = 0; c < inner; c++) {
                    if (best[c] >= 0) {
                        Mem.setD(t, o, best[c], Mem.getD(t, o, best[c]) + Mem.getD(t, in[1], j + c));
                    }
                }
            });
        };
    }

    /** Index arithmetic shared by both ops: output position + window offset to an operand element. */
    private static final class Geometry {
        final int[] in, out, window, strides, padLow;
        final long[] inStrides;
        /** Contiguous trailing elements handled per visit (channels of NHWC pooling), or 1. */
        final int inner;
        /** Per window element (row-major): its offset vector and its flat offset from the window's corner. */
        final int[][] offsets;
        final long[] delta;

        /**
         * When the last dimension has window 1, stride 1 and no padding (channels in pooling), it is
         * peeled off: windows are visited over the other dims and each visit covers all its elements.
         */
        static Geometry of(int[] in, int[] out, int[] window, int[] strides, int[] padLow, int[] padHigh) {
            int r = in.length;
            if (r >= 2 && window[r - 1] == 1 && strides[r - 1] == 1 && padLow[r - 1] == 0 && padHigh[r - 1] == 0
                    && in[r - 1] > 1) {
                int[] o = java.util.Arrays.copyOf(out, r - 1);
                return new Geometry(java.util.Arrays.copyOf(in, r - 1), o, java.util.Arrays.copyOf(window, r - 1),
                        java.util.Arrays.copyOf(strides, r - 1), java.util.Arrays.copyOf(padLow, r - 1), in[r - 1]);
            }
            return new Geometry(in, out, window, strides, padLow, 1);
        }

        private Geometry(int[] in, int[] out, int[] window, int[] strides, int[] padLow, int inner) {
            this.in = in;
            this.out = out;
            this.window = window;
            this.strides = strides;
            this.padLow = padLow;
            this.inner = inner;
            long[] rm = Shape.of(in).strides();
            for (int d = 0; d < rm.length; d++) {
                rm[d] *= inner;
            }
            this.inStrides = rm;
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
            /**
             * Output elements {@code j .. j + inner - 1}; {@code base} is the window's flat corner when
             * {@code inside}; {@code pos} its position.
             */
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
                v.visit(j * inner, base, inside, pos);
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
