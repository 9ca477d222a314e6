package dev.lockstep.device.nd4j;

import dev.lockstep.graph.IndexOp;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.TensorType;
import java.lang.foreign.MemorySegment;

/**
 * StableHLO gather and scatter-add (no batching dims), element by element. Gather clamps each start
 * so the slice lies inside the operand; scatter-add skips an update window that would not fit.
 */
final class Indexing {
    private Indexing() {}

    static Kernel gather(IndexOp.Gather g, TensorType x, TensorType idx, TensorType out) {
        int[] xd = x.shape().dims(), od = out.shape().dims();
        long[] xs = x.shape().strides();
        int or = od.length;
        boolean[] isOffset = new boolean[or];
        for (int d : g.offsetDims()) {
            isOffset[d] = true;
        }
        // Offset output dims map, in order, to the operand dims that are not collapsed.
        int[] offsetToOperand = new int[g.offsetDims().length];
        for (int i = 0, k = 0; i < xd.length; i++) {
            if (!contains(g.collapsedSliceDims(), i)) {
                offsetToOperand[k++] = i;
            }
        }
        IndexVectors iv = new IndexVectors(idx, g.indexVectorDim(), g.startIndexMap().length);
        int esize = x.dtype().byteSize();
        return (in, o) -> {
            long n = out.shape().size();
            int[] oi = new int[or];
            int[] batch = new int[or];
            long[] start = new long[xd.length];
            for (long j = 0; j < n; j++) {
                unravel(j, od, oi);
                int nb = 0;
                for (int d = 0; d < or; d++) {
                    if (!isOffset[d]) {
                        batch[nb++] = oi[d];
                    }
                }
                java.util.Arrays.fill(start, 0);
                for (int k = 0; k < g.startIndexMap().length; k++) {
                    int a = g.startIndexMap()[k];
                    start[a] = Math.clamp(iv.get(in[1], batch, k), 0, xd[a] - g.sliceSizes()[a]);
                }
                long src = 0;
                for (int d = 0; d < xd.length; d++) {
                    src += start[d] * xs[d];
                }
                for (int k = 0; k < g.offsetDims().length; k++) {
                    src += oi[g.offsetDims()[k]] * xs[offsetToOperand[k]];
                }
                MemorySegment.copy(in[0], src * esize, o, j * esize, esize);
            }
        };
    }

    static Kernel scatterAdd(IndexOp.ScatterAdd s, TensorType x, TensorType idx, TensorType upd) {
        int[] xd = x.shape().dims(), ud = upd.shape().dims();
        long[] xs = x.shape().strides();
        int ur = ud.length;
        boolean[] isWindow = new boolean[ur];
        for (int d : s.updateWindowDims()) {
            isWindow[d] = true;
        }
        int[] windowToOperand = new int[s.updateWindowDims().length];
        for (int i = 0, k = 0; i < xd.length; i++) {
            if (!contains(s.insertedWindowDims(), i)) {
                windowToOperand[k++] = i;
            }
        }
        // Window extent per operand dim: 1 for inserted dims, else the update's window size.
        int[] extent = new int[xd.length];
        java.util.Arrays.fill(extent, 1);
        for (int k = 0; k < windowToOperand.length; k++) {
            extent[windowToOperand[k]] = ud[s.updateWindowDims()[k]];
        }
        IndexVectors iv = new IndexVectors(idx, s.indexVectorDim(), s.scatterDimsToOperandDims().length);
        DType t = x.dtype();
        long xn = x.shape().size();
        boolean exact = !t.isFloating();
        return (in, o) -> {
            MemorySegment.copy(in[0], 0, o, 0, xn * t.byteSize());
            long n = upd.shape().size();
            int[] ui = new int[ur];
            int[] batch = new int[ur];
            long[] start = new long[xd.length];
            for (long j = 0; j < n; j++) {
                unravel(j, ud, ui);
                int nb = 0;
                for (int d = 0; d < ur; d++) {
                    if (!isWindow[d]) {
                        batch[nb++] = ui[d];
                    }
                }
                java.util.Arrays.fill(start, 0);
                boolean fits = true;
                for (int k = 0; k < s.scatterDimsToOperandDims().length; k++) {
                    int a = s.scatterDimsToOperandDims()[k];
                    start[a] = iv.get(in[1], batch, k);
                }
                long dst = 0;
                for (int d = 0; d < xd.length; d++) {
                    fits &= start[d] >= 0 && start[d] <= xd[d] - extent[d];
                    dst += start[d] * xs[d];
                }
                if (!fits) {
                    continue;
                }
                for (int k = 0; k < windowToOperand.length; k++) {
                    dst += ui[s.updateWindowDims()[k]] * xs[windowToOperand[k]];
                }
                if (exact) {
                    Mem.setL(t, o, dst, Mem.getL(t, o, dst) + Mem.getL(t, in[2], j));
                } else {
                    Mem.setD(t, o, dst, Mem.getD(t, o, dst) + Mem.getD(t, in[2], j));
                }
            }
        };
    }

    /** Reads component k of the index vector at batch position {@code batch} of an indices tensor. */
    private record IndexVectors(DType dtype, int[] dims, long[] strides, int vectorDim) {
        IndexVectors(TensorType idx, int vectorDim, int length) {
            this(idx.dtype(), idx.shape().dims(), idx.shape().strides(), vectorDim);
        }

        long get(MemorySegment s, int[] batch, int k) {
            long off = 0;
            for (int d = 0, b = 0; d < dims.length; d++) {
                off += (d == vectorDim ? k : batch[b++]) * strides[d];
            }
            return Mem.getL(dtype, s, off);
        }
    }

    static void unravel(long flat, int[] dims, int[] idx) {
        for (int d = dims.length - 1; d >= 0; d--) {
            idx[d] = (int) (flat % dims[d]);
            flat /= dims[d];
        }
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }
}
