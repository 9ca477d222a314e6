package dev.lockstep.device.nd4j;

import dev.lockstep.graph.DType;
import dev.lockstep.graph.ReduceOp;
import dev.lockstep.graph.TensorType;
import dev.lockstep.graph.WindowOp;

/**
 * reduce_window and select_and_scatter over any rank. Padding positions hold the reduction's
 * identity, so they never win a max and add nothing to a sum; select_and_scatter only selects real
 * operand elements, the first maximum in row-major window order.
 */
final class Windows {
    private Windows() {}

    static Kernel reduceWindow(WindowOp.ReduceWindow w, TensorType x, TensorType out) {
        Geometry g = new Geometry(x.shape().dims(), out.shape().dims(), w.window(), w.strides(), w.padLow());
        DType t = x.dtype();
        ReduceOp.Reduction red = w.reduction();
        boolean exact = !t.isFloating();
        return (in, o) -> {
            long n = out.shape().size();
            int[] oi = new int[g.rank()], wi = new int[g.rank()];
            for (long j = 0; j < n; j++) {
                g.unravel(j, g.out, oi);
                double acc = red.identity();
                long lacc = switch (red) {
                    case SUM -> 0;
                    case MAX -> t == DType.I32 ? Integer.MIN_VALUE : Long.MIN_VALUE;
                    case MIN -> t == DType.I32 ? Integer.MAX_VALUE : Long.MAX_VALUE;
                };
                for (long q = 0; q < g.windowSize; q++) {
                    g.unravel(q, g.window, wi);
                    long src = g.source(oi, wi);
                    if (src < 0) {
                        continue;
                    }
                    if (exact) {
                        long v = Mem.getL(t, in[0], src);
                        lacc = red == ReduceOp.Reduction.SUM ? lacc + v
                                : red == ReduceOp.Reduction.MAX ? Math.max(lacc, v) : Math.min(lacc, v);
                    } else {
                        double v = Mem.getD(t, in[0], src);
                        acc = red == ReduceOp.Reduction.SUM ? acc + v : red.combine(acc, v);
                    }
                }
                if (exact) {
                    Mem.setL(t, o, j, lacc);
                } else {
                    Mem.setD(t, o, j, acc);
                }
            }
        };
    }

    static Kernel selectAndScatter(WindowOp.SelectAndScatter s, TensorType x, TensorType source) {
        Geometry g = new Geometry(x.shape().dims(), source.shape().dims(), s.window(), s.strides(), s.padLow());
        DType t = x.dtype();
        long size = x.shape().size();
        return (in, o) -> {
            for (long i = 0; i < size; i++) {
                Mem.setD(t, o, i, 0);
            }
            long n = source.shape().size();
            int[] oi = new int[g.rank()], wi = new int[g.rank()];
            for (long j = 0; j < n; j++) {
                g.unravel(j, g.out, oi);
                long best = -1;
                double bv = 0;
                for (long q = 0; q < g.windowSize; q++) {
                    g.unravel(q, g.window, wi);
                    long src = g.source(oi, wi);
                    if (src < 0) {
                        continue;
                    }
                    double v = Mem.getD(t, in[0], src);
                    // select = GE keeps the current pick unless it is smaller: the first maximum wins.
                    if (best < 0 || !(bv >= v)) {
                        best = src;
                        bv = v;
                    }
                }
                if (best >= 0) {
                    Mem.setD(t, o, best, Mem.getD(t, o, best) + Mem.getD(t, in[1], j));
                }
            }
        };
    }

    /** Index arithmetic shared by both ops: output position + window offset to an operand element. */
    private record Geometry(int[] in, int[] out, int[] window, int[] strides, int[] padLow, long windowSize,
                            long[] inStrides) {
        Geometry(int[] in, int[] out, int[] window, int[] strides, int[] padLow) {
            this(in, out, window, strides, padLow, size(window), Strided.rowMajor(in));
        }

        int rank() {
            return in.length;
        }

        /** The operand element under window offset {@code wi} of output {@code oi}, or -1 in padding. */
        long source(int[] oi, int[] wi) {
            long off = 0;
            for (int d = 0; d < in.length; d++) {
                int p = oi[d] * strides[d] + wi[d] - padLow[d];
                if (p < 0 || p >= in[d]) {
                    return -1;
                }
                off += p * inStrides[d];
            }
            return off;
        }

        void unravel(long flat, int[] dims, int[] idx) {
            for (int d = dims.length - 1; d >= 0; d--) {
                idx[d] = (int) (flat % dims[d]);
                flat /= dims[d];
            }
        }

        private static long size(int[] w) {
            long p = 1;
            for (int v : w) {
                p *= v;
            }
            return p;
        }
    }
}
