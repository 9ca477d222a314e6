package dev.lockstep.device.conformance;

import dev.lockstep.graph.IndexOp;
import dev.lockstep.tensor.TensorType;

/**
 * StableHLO scatter with an add combiner. Each update's scatter dims pick an index vector whose
 * entries give start positions along {@code scatterDimsToOperandDims} (not clamped); a window that
 * would reach outside the operand is skipped whole, as the {@link IndexOp} contract says.
 */
final class ScatterRef {
    private ScatterRef() {}

    static RefValue scatterAdd(IndexOp.ScatterAdd s, RefValue x, RefValue indices, RefValue updates, TensorType out) {
        int[] xd = x.dims(), idd = indices.dims(), ud = updates.dims();
        int ivd = s.indexVectorDim();
        int[] windowDims = LayoutRef.windowOperandDims(xd.length, s.insertedWindowDims());
        int[] windowSize = new int[xd.length];
        java.util.Arrays.fill(windowSize, 1);
        for (int j = 0; j < windowDims.length; j++) {
            windowSize[windowDims[j]] = ud[s.updateWindowDims()[j]];
        }
        double[] facc = x.isFloat() ? x.f.clone() : null;
        long[] iacc = x.isFloat() ? null : x.i.clone();
        int[] ui = new int[ud.length], idx = new int[idd.length], target = new int[xd.length];
        for (int u = 0; u < updates.size(); u++) {
            Indexing.unravel(u, ud, ui);
            int batch = 0;
            for (int d = 0; d < ud.length; d++) {
                if (!Indexing.contains(s.updateWindowDims(), d)) {
                    idx[ivd < idd.length && batch >= ivd ? batch + 1 : batch] = ui[d];
                    batch++;
                }
            }
            java.util.Arrays.fill(target, 0);
            for (int k = 0; k < s.scatterDimsToOperandDims().length; k++) {
                if (ivd < idd.length) {
                    idx[ivd] = k;
                }
                long start = indices.i[Indexing.ravel(idx, idd)];
                int dim = s.scatterDimsToOperandDims()[k];
                target[dim] = start < 0 || start + windowSize[dim] > xd[dim] ? -1 : (int) start;
            }
            if (!Indexing.inBounds(target, xd)) {
                continue;
            }
            for (int j = 0; j < windowDims.length; j++) {
                target[windowDims[j]] += ui[s.updateWindowDims()[j]];
            }
            int t = Indexing.ravel(target, xd);
            if (facc != null) {
                facc[t] += updates.f[u];
            } else {
                iacc[t] += updates.i[u];
            }
        }
        return ReduceRef.finish(out, facc, iacc);
    }
}
