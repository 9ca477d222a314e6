package dev.lockstep.device.conformance;

import dev.lockstep.graph.Convolution;
import dev.lockstep.graph.DotGeneral;
import dev.lockstep.tensor.TensorType;

/** dot_general and convolution, accumulated exactly in f64 (floats) or wrapping i64 (integers). */
final class ContractionRef {
    private ContractionRef() {}

    /** Result dims: batch (lhs order), lhs free, rhs free; sums over the contracting pairs. */
    static RefValue dotGeneral(DotGeneral d, RefValue l, RefValue r, TensorType out) {
        int[] ld = l.dims(), rd = r.dims(), od = out.shape().dims();
        int[] lFree = free(ld.length, d.lhsBatch(), d.lhsContracting());
        int[] rFree = free(rd.length, d.rhsBatch(), d.rhsContracting());
        int[] cDims = new int[d.lhsContracting().length];
        for (int i = 0; i < cDims.length; i++) {
            cDims[i] = ld[d.lhsContracting()[i]];
        }
        int nb = d.lhsBatch().length;
        int n = Indexing.size(od);
        double[] facc = new double[n];
        long[] iacc = new long[n];
        int[] oi = new int[od.length], li = new int[ld.length], ri = new int[rd.length], ci = new int[cDims.length];
        for (int o = 0; o < n; o++) {
            Indexing.unravel(o, od, oi);
            for (int i = 0; i < nb; i++) {
                li[d.lhsBatch()[i]] = oi[i];
                ri[d.rhsBatch()[i]] = oi[i];
            }
            for (int i = 0; i < lFree.length; i++) {
                li[lFree[i]] = oi[nb + i];
            }
            for (int i = 0; i < rFree.length; i++) {
                ri[rFree[i]] = oi[nb + lFree.length + i];
            }
            if (Indexing.size(cDims) == 0) {
                continue;
            }
            java.util.Arrays.fill(ci, 0);
            do {
                for (int i = 0; i < ci.length; i++) {
                    li[d.lhsContracting()[i]] = ci[i];
                    ri[d.rhsContracting()[i]] = ci[i];
                }
                int a = Indexing.ravel(li, ld), b = Indexing.ravel(ri, rd);
                if (l.isFloat()) {
                    facc[o] += l.f[a] * r.f[b];
                } else {
                    iacc[o] += l.i[a] * r.i[b];
                }
            } while (Indexing.next(ci, cDims));
        }
        return ReduceRef.finish(out, facc, iacc);
    }

    private static int[] free(int rank, int[] batch, int[] contracting) {
        int[] f = new int[rank - batch.length - contracting.length];
        for (int i = 0, k = 0; i < rank; i++) {
            if (!Indexing.contains(batch, i) && !Indexing.contains(contracting, i)) {
                f[k++] = i;
            }
        }
        return f;
    }

    /**
     * Channels-last convolution: out[n, o..., oc] = sum over kernel taps t... and group-local input
     * channel c of xPadded[n, o * stride + t * rhsDilation, g * Cg + c] * w[t..., c, oc], where g is
     * oc's group and xPadded is x dilated by lhsDilation and zero padded by padLow/padHigh.
     */
    static RefValue convolution(Convolution c, RefValue x, RefValue w, TensorType out) {
        int s = c.spatialRank();
        int[] xd = x.dims(), wd = w.dims(), od = out.shape().dims();
        int cg = wd[s];
        int outPerGroup = od[s + 1] / c.featureGroupCount();
        int[] taps = java.util.Arrays.copyOf(wd, s + 1);
        int n = Indexing.size(od);
        double[] acc = new double[n];
        int[] oi = new int[od.length], xi = new int[xd.length], wi = new int[wd.length], t = new int[s + 1];
        for (int o = 0; o < n; o++) {
            Indexing.unravel(o, od, oi);
            int oc = oi[s + 1];
            int group = oc / outPerGroup;
            if (Indexing.size(taps) == 0) {
                continue;
            }
            java.util.Arrays.fill(t, 0);
            do {
                boolean inside = true;
                xi[0] = oi[0];
                for (int d = 0; d < s && inside; d++) {
                    int p = oi[d + 1] * c.strides()[d] + t[d] * c.rhsDilation()[d] - c.padLow()[d];
                    inside = p >= 0 && p % c.lhsDilation()[d] == 0 && p / c.lhsDilation()[d] < xd[d + 1];
                    xi[d + 1] = inside ? p / c.lhsDilation()[d] : 0;
                }
                if (!inside) {
                    continue;
                }
                xi[s + 1] = group * cg + t[s];
                System.arraycopy(t, 0, wi, 0, s + 1);
                wi[s + 1] = oc;
                acc[o] += x.f[Indexing.ravel(xi, xd)] * w.f[Indexing.ravel(wi, wd)];
            } while (Indexing.next(t, taps));
        }
        return ReduceRef.finish(out, acc, null);
    }
}
