package dev.lockstep.device.nd4j;

import java.lang.foreign.MemorySegment;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Row-major sgemm/dgemm on raw addresses through OpenBLAS's cblas. The pointer objects are
 * re-aimed per call, so a step creates no JavaCPP objects and allocates no native memory; one
 * instance per calling thread.
 */
final class Blas {
    private final Addr a = new Addr(), b = new Addr(), c = new Addr();
    private final DAddr da = new DAddr(), db = new DAddr(), dc = new DAddr();

    /**
     * C[m,n] = op(A) op(B), row-major with explicit leading dimensions (so a caller can hand over a
     * block of rows or columns); offsets and leading dimensions are in elements.
     */
    void gemm(boolean f64, boolean transA, boolean transB, int m, int n, int k, MemorySegment A, long aOff, int lda,
              MemorySegment B, long bOff, int ldb, MemorySegment C, long cOff, int ldc) {
        if (f64) {
            da.at(A.address() + aOff * 8);
            db.at(B.address() + bOff * 8);
            dc.at(C.address() + cOff * 8);
            openblas_nolapack.cblas_dgemm(openblas_nolapack.CblasRowMajor, trans(transA), trans(transB), m, n, k, 1.0,
                    da, lda, db, ldb, 0.0, dc, ldc);
        } else {
            a.at(A.address() + aOff * 4);
            b.at(B.address() + bOff * 4);
            c.at(C.address() + cOff * 4);
            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, trans(transA), trans(transB), m, n, k, 1f,
                    a, lda, b, ldb, 0f, c, ldc);
        }
    }

    private static int trans(boolean t) {
        return t ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
    }

    /** A FloatPointer whose address is set directly (JavaCPP keeps it in a protected field). */
    private static final class Addr extends FloatPointer {
        Addr() {
            super((Pointer) null);
        }

        void at(long addr) {
            address = addr;
            position = 0;
        }
    }

    private static final class DAddr extends DoublePointer {
        DAddr() {
            super((Pointer) null);
        }

        void at(long addr) {
            address = addr;
            position = 0;
        }
    }
}
