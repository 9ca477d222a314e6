package dev.lockstep.device.conformance;

import dev.lockstep.graph.ReduceOp;
import dev.lockstep.tensor.DType;
import dev.lockstep.graph.WindowOp;
import dev.lockstep.tensor.TensorType;

/**
 * Reductions and window ops. Float accumulators are f64 and rounded to the dtype once at the end;
 * integer accumulators wrap. MAX/MIN propagate NaN; integer MAX/MIN start from the dtype's extreme.
 */
final class ReduceRef {
    private ReduceRef() {}

    static RefValue reduce(ReduceOp.Reduce r, RefValue x, TensorType out) {
        int[] xd = x.dims(), od = out.shape().dims();
        int n = Indexing.size(od);
        double[] facc = new double[n];
        long[] iacc = new long[n];
        java.util.Arrays.fill(facc, r.reduction().identity());
        java.util.Arrays.fill(iacc, intIdentity(r.reduction(), x.dtype()));
        int[] xi = new int[xd.length], oi = new int[od.length];
        for (int k = 0; k < x.size(); k++) {
            Indexing.unravel(k, xd, xi);
            for (int d = 0, j = 0; d < xd.length; d++) {
                if (!Indexing.contains(r.axes(), d)) {
                    oi[j++] = xi[d];
                }
            }
            int o = Indexing.ravel(oi, od);
            if (x.isFloat()) {
                facc[o] = r.reduction().combine(facc[o], x.f[k]);
            } else {
                iacc[o] = intCombine(r.reduction(), iacc[o], x.i[k]);
            }
        }
        return finish(out, facc, iacc);
    }

    static long intIdentity(ReduceOp.Reduction r, DType d) {
        boolean i32 = d == DType.I32;
        return switch (r) {
            case SUM -> 0;
            case MAX -> i32 ? Integer.MIN_VALUE : Long.MIN_VALUE;
            case MIN -> i32 ? Integer.MAX_VALUE : Long.MAX_VALUE;
        };
    }

    static long intCombine(ReduceOp.Reduction r, long a, long b) {
        return switch (r) {
            case SUM -> a + b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
        };
    }

    static RefValue finish(TensorType out, double[] facc, long[] iacc) {
        RefValue v = RefValue.zeros(out);
        for (int k = 0; k < v.size(); k++) {
            if (v.isFloat()) {
                v.f[k] = Rounding.round(out.dtype(), facc[k]);
            } else {
                v.i[k] = Rounding.wrap(out.dtype(), iacc[k]);
            }
        }
        return v;
    }

    /** Index of the largest element along the axis; ties and repeated NaNs keep the first (NaN counts as largest). */
    static RefValue argMax(ReduceOp.ArgMax a, RefValue x, TensorType out) {
        int[] xd = x.dims(), od = out.shape().dims();
        RefValue v = RefValue.zeros(out);
        int[] oi = new int[od.length], xi = new int[xd.length];
        for (int k = 0; k < v.size(); k++) {
            Indexing.unravel(k, od, oi);
            for (int d = 0, j = 0; d < xd.length; d++) {
                xi[d] = d == a.axis() ? 0 : oi[j++];
            }
            int best = 0;
            for (int t = 1; t < xd[a.axis()]; t++) {
                xi[a.axis()] = best;
                int bk = Indexing.ravel(xi, xd);
                xi[a.axis()] = t;
                if (greater(x, Indexing.ravel(xi, xd), bk)) {
                    best = t;
                }
            }
            v.i[k] = best;
        }
        return v;
    }

    private static boolean greater(RefValue x, int ck, int bk) {
        if (!x.isFloat()) {
            return x.i[ck] > x.i[bk];
        }
        double c = x.f[ck], b = x.f[bk];
        return !Double.isNaN(b) && (Double.isNaN(c) || c > b);
    }

    /** Pooling: padding positions hold the identity, so they are skipped. */
    static RefValue reduceWindow(WindowOp.ReduceWindow w, RefValue x, TensorType out) {
        int[] xd = x.dims(), od = out.shape().dims();
        int n = Indexing.size(od);
        double[] facc = new double[n];
        long[] iacc = new long[n];
        java.util.Arrays.fill(facc, w.reduction().identity());
        java.util.Arrays.fill(iacc, intIdentity(w.reduction(), x.dtype()));
        int[] oi = new int[od.length];
        for (int o = 0; o < n; o++) {
            Indexing.unravel(o, od, oi);
            for (int k : windowElements(oi, xd, w.window(), w.strides(), w.padLow())) {
                if (x.isFloat()) {
                    facc[o] = w.reduction().combine(facc[o], x.f[k]);
                } else {
                    iacc[o] = intCombine(w.reduction(), iacc[o], x.i[k]);
                }
            }
        }
        return finish(out, facc, iacc);
    }

    /**
     * Max-pool gradient: in each window the first element e with {@code selected >= e} false
     * replaces the selection (select = GE, so the first maximum wins); the window's source value
     * is added at the selected element. Padding is never selected.
     */
    static RefValue selectAndScatter(WindowOp.SelectAndScatter s, RefValue x, RefValue source, TensorType out) {
        int[] xd = x.dims(), sd = source.dims();
        double[] acc = new double[x.size()];
        int[] si = new int[sd.length];
        for (int o = 0; o < source.size(); o++) {
            Indexing.unravel(o, sd, si);
            int selected = -1;
            for (int k : windowElements(si, xd, s.window(), s.strides(), s.padLow())) {
                if (selected < 0 || !(x.f[selected] >= x.f[k])) {
                    selected = k;
                }
            }
            if (selected >= 0) {
                acc[selected] += source.f[o];
            }
        }
        return finish(out, acc, null);
    }

    /** Row-major positions in {@code x} of the in-bounds elements of window {@code oi}. */
    static int[] windowElements(int[] oi, int[] xd, int[] window, int[] strides, int[] padLow) {
        int[] found = new int[Indexing.size(window)];
        int count = 0;
        if (found.length == 0) {
            return found;
        }
        int[] w = new int[window.length], pos = new int[window.length];
        do {
            for (int d = 0; d < window.length; d++) {
                pos[d] = oi[d] * strides[d] + w[d] - padLow[d];
            }
            if (Indexing.inBounds(pos, xd)) {
                found[count++] = Indexing.ravel(pos, xd);
            }
        } while (Indexing.next(w, window));
        return java.util.Arrays.copyOf(found, count);
    }
}
