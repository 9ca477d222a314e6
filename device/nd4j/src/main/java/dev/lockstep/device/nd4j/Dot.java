package dev.lockstep.device.nd4j;

import dev.lockstep.graph.DotGeneral;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.Shape;
import dev.lockstep.tensor.TensorType;
import java.lang.foreign.MemorySegment;

/**
 * dot_general as (batched) gemm over [B, M, K] x [B, K, N]. An operand whose layout is already
 * [batch, free, contracting] or [batch, contracting, free] is passed as-is with the matching
 * transpose flag; only other layouts are copied into a scratch block first. f32/f64 use cblas
 * (device cpu); other dtypes, or a device without host BLAS, use a Java loop.
 */
final class Dot {
    private Dot() {}

    static Kernel of(DotGeneral d, TensorType l, TensorType r, TensorType out, KernelContext ctx) {
        int[] ld = l.shape().dims(), rd = r.shape().dims();
        int[] lf = free(ld.length, d.lhsBatch(), d.lhsContracting());
        int[] rf = free(rd.length, d.rhsBatch(), d.rhsContracting());
        int batch = (int) prod(ld, d.lhsBatch());
        int m = (int) prod(ld, lf), k = (int) prod(ld, d.lhsContracting()), n = (int) prod(rd, rf);
        boolean lt = false, rt = false;
        Strided lCopy = null, rCopy = null;
        MemorySegment lScratch = null, rScratch = null;
        if (!identity(d.lhsBatch(), lf, d.lhsContracting())) {
            if (identity(d.lhsBatch(), d.lhsContracting(), lf)) {
                lt = true;
            } else {
                lCopy = permuted(ld, concat(d.lhsBatch(), lf, d.lhsContracting()), l.dtype().byteSize());
                lScratch = ctx.scratch(l.dtype(), l.shape().size());
            }
        }
        if (!identity(d.rhsBatch(), d.rhsContracting(), rf)) {
            if (identity(d.rhsBatch(), rf, d.rhsContracting())) {
                rt = true;
            } else {
                rCopy = permuted(rd, concat(d.rhsBatch(), d.rhsContracting(), rf), r.dtype().byteSize());
                rScratch = ctx.scratch(r.dtype(), r.shape().size());
            }
        }
        DType t = out.dtype();
        boolean useBlas = ctx.device().usesBlas() && (t == DType.F32 || t == DType.F64);
        Gemm gemm = useBlas ? new Gemm(ctx.device().workers()) : null;
        boolean ta = lt, tb = rt;
        Strided lc = lCopy, rc = rCopy;
        MemorySegment ls = lScratch, rs = rScratch;
        return (in, o) -> {
            MemorySegment a = in[0], b = in[1];
            if (lc != null) {
                lc.copy(a, 0, ls, 0);
                a = ls;
            }
            if (rc != null) {
                rc.copy(b, 0, rs, 0);
                b = rs;
            }
            if (k == 0) {
                o.fill((byte) 0);
                return;
            }
            if (m == 0 || n == 0) {
                return;
            }
            for (int i = 0; i < batch; i++) {
                long aOff = (long) i * m * k, bOff = (long) i * k * n, cOff = (long) i * m * n;
                if (gemm != null) {
                    gemm.run(t == DType.F64, ta, tb, m, n, k, a, aOff, b, bOff, o, cOff);
                } else {
                    javaGemm(t, ta, tb, m, n, k, a, aOff, b, bOff, o, cOff);
                }
            }
        };
    }

    private static void javaGemm(DType t, boolean ta, boolean tb, int m, int n, int k, MemorySegment a, long aOff,
                                 MemorySegment b, long bOff, MemorySegment c, long cOff) {
        boolean exact = !t.isFloating();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                long lacc = 0;
                for (int p = 0; p < k; p++) {
                    long ai = aOff + (ta ? (long) p * m + i : (long) i * k + p);
                    long bi = bOff + (tb ? (long) j * k + p : (long) p * n + j);
                    if (exact) {
                        lacc += Mem.getL(t, a, ai) * Mem.getL(t, b, bi);
                    } else {
                        acc += Mem.getD(t, a, ai) * Mem.getD(t, b, bi);
                    }
                }
                if (exact) {
                    Mem.setL(t, c, cOff + (long) i * n + j, lacc);
                } else {
                    Mem.setD(t, c, cOff + (long) i * n + j, acc);
                }
            }
        }
    }

    /** A copy of a tensor of {@code dims} into the row-major layout of its dimensions in {@code perm} order. */
    private static Strided permuted(int[] dims, int[] perm, int esize) {
        long[] src = Shape.of(dims).strides();
        int[] pd = new int[perm.length];
        long[] ps = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            pd[i] = dims[perm[i]];
            ps[i] = src[perm[i]];
        }
        return new Strided(pd, ps, Shape.of(pd).strides(), esize);
    }

    private static int[] free(int rank, int[] batch, int[] contracting) {
        boolean[] used = new boolean[rank];
        for (int x : batch) {
            used[x] = true;
        }
        for (int x : contracting) {
            used[x] = true;
        }
        int[] f = new int[rank - batch.length - contracting.length];
        for (int i = 0, j = 0; i < rank; i++) {
            if (!used[i]) {
                f[j++] = i;
            }
        }
        return f;
    }

    private static long prod(int[] dims, int[] axes) {
        long p = 1;
        for (int a : axes) {
            p *= dims[a];
        }
        return p;
    }

    private static int[] concat(int[] a, int[] b, int[] c) {
        int[] r = new int[a.length + b.length + c.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        System.arraycopy(c, 0, r, a.length + b.length, c.length);
        return r;
    }

    /** Whether a, b, c concatenated list the dimensions in memory order, i.e. no copy is needed. */
    private static boolean identity(int[] a, int[] b, int[] c) {
        int[] p = concat(a, b, c);
        for (int i = 0; i < p.length; i++) {
            if (p[i] != i) {
                return false;
            }
        }
        return true;
    }
}
