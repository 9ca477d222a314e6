package dev.lockstep.device.conformance;

import dev.lockstep.graph.IndexOp;
import dev.lockstep.graph.LayoutOp;
import dev.lockstep.tensor.TensorType;
import java.util.List;

/**
 * Ops that only move elements, written as "which operand element does output element k come
 * from": one source map per op, applied identically for every dtype.
 */
final class LayoutRef {
    private LayoutRef() {}

    static RefValue layout(LayoutOp op, List<RefValue> in, TensorType out) {
        RefValue x = in.get(0);
        int[] xd = x.dims();
        int[] od = out.shape().dims();
        return switch (op) {
            case LayoutOp.BroadcastInDim b -> map(x, out, (o, src) -> {
                for (int i = 0; i < xd.length; i++) {
                    src[i] = xd[i] == 1 ? 0 : o[b.dims()[i]];
                }
            });
            case LayoutOp.Reshape r -> {
                RefValue v = RefValue.zeros(out);
                for (int k = 0; k < v.size(); k++) {
                    v.copy(k, x, k);
                }
                yield v;
            }
            case LayoutOp.Transpose t -> map(x, out, (o, src) -> {
                for (int i = 0; i < od.length; i++) {
                    src[t.permutation()[i]] = o[i];
                }
            });
            case LayoutOp.Slice s -> map(x, out, (o, src) -> {
                for (int i = 0; i < od.length; i++) {
                    src[i] = s.start()[i] + o[i] * s.strides()[i];
                }
            });
            case LayoutOp.DynamicSlice d -> {
                int[] start = new int[xd.length];
                for (int i = 0; i < xd.length; i++) {
                    long requested = in.get(i + 1).i[0];
                    start[i] = (int) Math.max(0, Math.min(requested, xd[i] - d.sizes()[i]));
                }
                yield map(x, out, (o, src) -> {
                    for (int i = 0; i < od.length; i++) {
                        src[i] = start[i] + o[i];
                    }
                });
            }
            case LayoutOp.Reverse r -> map(x, out, (o, src) -> {
                for (int i = 0; i < od.length; i++) {
                    src[i] = Indexing.contains(r.axes(), i) ? xd[i] - 1 - o[i] : o[i];
                }
            });
            case LayoutOp.Concatenate c -> concatenate(c.axis(), in, out);
            case LayoutOp.Pad p -> pad(p, x, in.get(1), out);
        };
    }

    /** Sets {@code src} to the operand index feeding output index {@code o}. */
    interface SourceMap {
        void source(int[] o, int[] src);
    }

    static RefValue map(RefValue x, TensorType out, SourceMap m) {
        RefValue v = RefValue.zeros(out);
        int[] xd = x.dims(), od = out.shape().dims();
        int[] o = new int[od.length], src = new int[xd.length];
        for (int k = 0; k < v.size(); k++) {
            Indexing.unravel(k, od, o);
            m.source(o, src);
            v.copy(k, x, Indexing.ravel(src, xd));
        }
        return v;
    }

    private static RefValue concatenate(int axis, List<RefValue> in, TensorType out) {
        RefValue v = RefValue.zeros(out);
        int[] od = out.shape().dims();
        int[] o = new int[od.length];
        for (int k = 0; k < v.size(); k++) {
            Indexing.unravel(k, od, o);
            int along = o[axis];
            for (RefValue part : in) {
                int[] pd = part.dims();
                if (along < pd[axis]) {
                    int[] src = o.clone();
                    src[axis] = along;
                    v.copy(k, part, Indexing.ravel(src, pd));
                    break;
                }
                along -= pd[axis];
            }
        }
        return v;
    }

    private static RefValue pad(LayoutOp.Pad p, RefValue x, RefValue value, TensorType out) {
        RefValue v = RefValue.zeros(out);
        int[] xd = x.dims(), od = out.shape().dims();
        int[] o = new int[od.length], src = new int[xd.length];
        for (int k = 0; k < v.size(); k++) {
            Indexing.unravel(k, od, o);
            boolean fromOperand = true;
            for (int i = 0; i < od.length && fromOperand; i++) {
                int pos = o[i] - p.low()[i];
                int step = p.interior()[i] + 1;
                fromOperand = pos >= 0 && pos % step == 0 && pos / step < xd[i];
                src[i] = fromOperand ? pos / step : 0;
            }
            v.copy(k, fromOperand ? x : value, fromOperand ? Indexing.ravel(src, xd) : 0);
        }
        return v;
    }

    /**
     * StableHLO gather: batch dims of the result select an index vector from {@code indices}
     * (at {@code indexVectorDim}), whose entries give start positions along {@code startIndexMap},
     * clamped so the whole slice is in bounds; offset dims index within the slice, skipping the
     * collapsed operand dims.
     */
    static RefValue gather(IndexOp.Gather g, RefValue x, RefValue indices, TensorType out) {
        int[] xd = x.dims(), idd = indices.dims(), od = out.shape().dims();
        int ivd = g.indexVectorDim();
        int[] windowDims = windowOperandDims(xd.length, g.collapsedSliceDims());
        return map(x, out, (o, src) -> {
            java.util.Arrays.fill(src, 0);
            int[] idx = new int[idd.length];
            int batch = 0;
            for (int d = 0; d < od.length; d++) {
                if (!Indexing.contains(g.offsetDims(), d)) {
                    idx[ivd < idd.length && batch >= ivd ? batch + 1 : batch] = o[d];
                    batch++;
                }
            }
            for (int k = 0; k < g.startIndexMap().length; k++) {
                if (ivd < idd.length) {
                    idx[ivd] = k;
                }
                int dim = g.startIndexMap()[k];
                long start = indices.i[Indexing.ravel(idx, idd)];
                src[dim] = (int) Math.max(0, Math.min(start, xd[dim] - g.sliceSizes()[dim]));
            }
            for (int j = 0; j < g.offsetDims().length; j++) {
                src[windowDims[j]] += o[g.offsetDims()[j]];
            }
        });
    }

    /** Operand dimensions not in {@code removed}, in increasing order. */
    static int[] windowOperandDims(int rank, int[] removed) {
        int[] dims = new int[rank - removed.length];
        for (int i = 0, k = 0; i < rank; i++) {
            if (!Indexing.contains(removed, i)) {
                dims[k++] = i;
            }
        }
        return dims;
    }
}
