package dev.lockstep.device.nd4j;

import dev.lockstep.graph.ReduceOp;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.TensorType;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Reduce and argmax. The input is walked once in row-major order, each element combined into the
 * accumulator of its output position (kept dims only); floats accumulate in double, integers in
 * long (i32 sums wrap on store).
 */
final class Reductions {
    private Reductions() {}

    static Kernel reduce(ReduceOp.Reduce r, TensorType in, TensorType out) {
        int[] dims = in.shape().dims();
        int rank = dims.length;
        long[] outStride = new long[rank];
        long[] kept = out.shape().strides();
        boolean[] reduced = new boolean[rank];
        for (int a : r.axes()) {
            reduced[a] = true;
        }
        for (int i = 0, k = 0; i < rank; i++) {
            outStride[i] = reduced[i] ? 0 : kept[k++];
        }
        DType d = in.dtype();
        int n = (int) in.shape().size(), m = (int) out.shape().size();
        ReduceOp.Reduction red = r.reduction();
        if (d.isFloating()) {
            Kernel fast = contiguous(reduced, dims, n, m, d, red);
            if (fast != null) {
                return fast;
            }
            double[] acc = new double[m];
            return (a, o) -> {
                Arrays.fill(acc, red.identity());
                walk(dims, outStride, n, (i, j) -> acc[j] = combine(red, acc[j], read(d, a[0], i)));
                for (int j = 0; j < m; j++) {
                    Mem.setD(d, o, j, acc[j]);
                }
            };
        }
        long[] acc = new long[m];
        long identity = switch (red) {
            case SUM -> 0;
            case MAX -> d == DType.I32 ? Integer.MIN_VALUE : Long.MIN_VALUE;
            case MIN -> d == DType.I32 ? Integer.MAX_VALUE : Long.MAX_VALUE;
        };
        return (a, o) -> {
            Arrays.fill(acc, identity);
            walk(dims, outStride, n, (i, j) -> {
                long v = Mem.getL(d, a[0], i);
                acc[j] = switch (red) {
                    case SUM -> acc[j] + v;
                    case MAX -> Math.max(acc[j], v);
                    case MIN -> Math.min(acc[j], v);
                };
            });
            for (int j = 0; j < m; j++) {
                Mem.setL(d, o, j, acc[j]);
            }
        };
    }

    /**
     * The f64 sum of {@code count} f32 values from {@code base}, in eight interleaved partial sums
     * combined pairwise: one running sum is a chain of dependent adds (~4 cycles each), which made
     * the full sums of a small model's step (regularisation, global norm) its slowest kernels. The
     * order is fixed by the index, so the result is the same on every run.
     */
    static double sumF32(MemorySegment x, long base, int count) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int k = 0;
        for (; k + 8 <= count; k += 8) {
            long at = base + k;
            s0 += x.getAtIndex(Mem.F32, at);
            s1 += x.getAtIndex(Mem.F32, at + 1);
            s2 += x.getAtIndex(Mem.F32, at + 2);
            s3 += x.getAtIndex(Mem.F32, at + 3);
            s4 += x.getAtIndex(Mem.F32, at + 4);
            s5 += x.getAtIndex(Mem.F32, at + 5);
            s6 += x.getAtIndex(Mem.F32, at + 6);
            s7 += x.getAtIndex(Mem.F32, at + 7);
        }
        for (; k < count; k++) {
            s0 += x.getAtIndex(Mem.F32, base + k);
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /**
     * Reductions whose reduced axes are all leading (bias gradients: sum over the batch) or all
     * trailing (softmax rows, full sums), as tight loops without per-element index arithmetic.
     */
    private static Kernel contiguous(boolean[] reduced, int[] dims, int n, int m, DType d, ReduceOp.Reduction red) {
        int rank = dims.length, lead = 0, trail = 0;
        while (lead < rank && reduced[lead]) {
            lead++;
        }
        while (trail < rank && reduced[rank - 1 - trail]) {
            trail++;
        }
        int count = 0;
        for (boolean r : reduced) {
            count += r ? 1 : 0;
        }
        if (n == 0 || count == 0 || (lead != count && trail != count)) {
            return null;
        }
        int group = n / m;
        if (trail == count) {
            return (a, o) -> {
                MemorySegment x = a[0];
                for (int j = 0; j < m; j++) {
                    double acc = red.identity();
                    long base = (long) j * group;
                    if (d == DType.F32 && red == ReduceOp.Reduction.SUM) {
                        acc = sumF32(x, base, group);
                    } else {
                        for (int k = 0; k < group; k++) {
                            acc = combine(red, acc, read(d, x, base + k));
                        }
                    }
                    Mem.setD(d, o, j, acc);
                }
            };
        }
        double[] acc = new double[m];
        return (a, o) -> {
            MemorySegment x = a[0];
            java.util.Arrays.fill(acc, red.identity());
            for (int r = 0; r < group; r++) {
                long base = (long) r * m;
                if (d == DType.F32 && red == ReduceOp.Reduction.SUM) {
                    for (int k = 0; k < m; k++) {
                        acc[k] += x.getAtIndex(Mem.F32, base + k);
                    }
                } else {
                    for (int k = 0; k < m; k++) {
                        acc[k] = combine(red, acc[k], read(d, x, base + k));
                    }
                }
            }
            for (int k = 0; k < m; k++) {
                Mem.setD(d, o, k, acc[k]);
            }
        };
    }

    private static double read(DType d, MemorySegment s, long i) {
        return d == DType.F32 ? s.getAtIndex(Mem.F32, i) : Mem.getD(d, s, i);
    }

    private static double combine(ReduceOp.Reduction red, double a, double b) {
        return red == ReduceOp.Reduction.SUM ? a + b : red.combine(a, b);
    }

    interface Visitor {
        void visit(int input, int output);
    }

    /** Visits input elements in row-major order with their output index under {@code outStride}. */
    static void walk(int[] dims, long[] outStride, int n, Visitor v) {
        if (n == 0) {
            return;
        }
        int rank = dims.length;
        if (rank == 0) {
            v.visit(0, 0);
            return;
        }
        int[] idx = new int[rank];
        int inner = dims[rank - 1];
        int innerStride = (int) outStride[rank - 1];
        int j = 0;
        for (int i = 0; i < n; i += inner) {
            for (int k = 0; k < inner; k++) {
                v.visit(i + k, j + k * innerStride);
            }
            int d = rank - 2;
            while (d >= 0) {
                idx[d]++;
                j += (int) outStride[d];
                if (idx[d] < dims[d]) {
                    break;
                }
                j -= (int) (outStride[d] * dims[d]);
                idx[d] = 0;
                d--;
            }
        }
    }

    static Kernel argMax(ReduceOp.ArgMax a, TensorType in, TensorType out) {
        int[] dims = in.shape().dims();
        int axis = a.axis();
        int len = dims[axis];
        long innerL = 1, outerL = 1;
        for (int i = axis + 1; i < dims.length; i++) {
            innerL *= dims[i];
        }
        for (int i = 0; i < axis; i++) {
            outerL *= dims[i];
        }
        int inner = (int) innerL, outer = (int) outerL;
        DType d = in.dtype(), t = out.dtype();
        boolean exact = !d.isFloating();
        return (args, o) -> {
            MemorySegment x = args[0];
            for (int p = 0; p < outer; p++) {
                for (int q = 0; q < inner; q++) {
                    int best = 0;
                    long base = (long) p * len * inner + q;
                    if (exact) {
                        long bv = len == 0 ? 0 : Mem.getL(d, x, base);
                        for (int k = 1; k < len; k++) {
                            long v = Mem.getL(d, x, base + (long) k * inner);
                            if (v > bv) {
                                bv = v;
                                best = k;
                            }
                        }
                    } else {
                        double bv = len == 0 ? 0 : Mem.getD(d, x, base);
                        // NaN counts as the largest value, so the first NaN wins (as in XLA and NumPy).
                        for (int k = 1; k < len && !Double.isNaN(bv); k++) {
                            double v = Mem.getD(d, x, base + (long) k * inner);
                            if (v > bv || Double.isNaN(v)) {
                                bv = v;
                                best = k;
                            }
                        }
                    }
                    Mem.setL(t, o, (long) p * inner + q, best);
                }
            }
        };
    }
}
