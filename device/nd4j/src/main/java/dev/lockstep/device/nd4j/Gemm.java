package dev.lockstep.device.nd4j;

import java.lang.foreign.MemorySegment;

/**
 * A gemm that may run as blocks on the device's {@link Workers}: C is split into row blocks (or
 * column blocks when it has few rows), each computed by a single-threaded cblas call. Unlike
 * OpenBLAS's own threads, which spin waiting for each other, the blocks degrade gracefully when
 * another process holds a core. Small products run on the calling thread.
 */
final class Gemm {
    /**
     * Below this many multiply-adds a split costs more in hand-off than it saves. With helpers that
     * poll between kernels the hand-off is ~1 us: the MLP's 256x512x10 products (1.3 M) run in
     * ~28 us split against ~51 us whole.
     */
    private static final long SPLIT_MIN_MACS = 1L << 20;
    private static final int MIN_BLOCK = 16;

    private final Workers workers;
    private final Blas[] blas;

    Gemm(Workers workers) {
        this.workers = workers;
        this.blas = new Blas[workers == null ? 1 : workers.size()];
        for (int i = 0; i < blas.length; i++) {
            blas[i] = new Blas();
        }
    }

    void run(boolean f64, boolean ta, boolean tb, int m, int n, int k, MemorySegment a, long aOff,
             MemorySegment b, long bOff, MemorySegment c, long cOff) {
        run(f64, ta, tb, m, n, k, a, aOff, ta ? m : k, b, bOff, tb ? k : n, c, cOff, n);
    }

    /** As {@link #run(boolean, boolean, boolean, int, int, int, MemorySegment, long, MemorySegment, long,
     *  MemorySegment, long)} with explicit leading dimensions, for blocks of larger matrices. */
    void run(boolean f64, boolean ta, boolean tb, int m, int n, int k, MemorySegment a, long aOff, int lda,
             MemorySegment b, long bOff, int ldb, MemorySegment c, long cOff, int ldc) {
        int parts = blas.length;
        // Each block packs its share of the split operand and all of the other: splitting the longer of
        // m and n packs least. With a shallow k packing is cheap either way, and row blocks of C are
        // contiguous (256x10x512: 120-140 GFLOP/s by rows, 90 by columns).
        boolean byRows = m >= n || n < parts * MIN_BLOCK || k < 32;
        int extent = byRows ? m : n;
        if (parts == 1 || (long) m * n * k < SPLIT_MIN_MACS || extent < parts * MIN_BLOCK) {
            blas[0].gemm(f64, ta, tb, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
            return;
        }
        workers.parallel(parts, p -> {
            int from = (int) ((long) extent * p / parts), to = (int) ((long) extent * (p + 1) / parts);
            if (byRows) {
                long ao = aOff + (ta ? from : (long) from * lda);
                blas[p].gemm(f64, ta, tb, to - from, n, k, a, ao, lda, b, bOff, ldb, c, cOff + (long) from * ldc, ldc);
            } else {
                long bo = bOff + (tb ? (long) from * ldb : from);
                blas[p].gemm(f64, ta, tb, m, to - from, k, a, aOff, lda, b, bo, ldb, c, cOff + from, ldc);
            }
        });
    }
}
