package dev.lockstep.bench;

import java.util.concurrent.CyclicBarrier;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;

public final class GemmConcurrency {
    static void gemm(FloatPointer a, long ao, int lda, FloatPointer b, long bo, int ldb, FloatPointer c, long co, int ldc, int m, int n, int k) {
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans, openblas_nolapack.CblasNoTrans,
                m, n, k, 1f, a.position(ao), lda, b.position(bo), ldb, 0f, c.position(co), ldc);
    }
    public static void main(String[] args) throws Exception {
        int[][] shapes = {{1024, 1024, 1024}, {256, 784, 512}, {256, 512, 512}};
        for (int[] s : shapes) {
            int m = s[0], k = s[1], n = s[2];
            FloatPointer a = new FloatPointer((long) m * k), b = new FloatPointer((long) k * n), c = new FloatPointer((long) m * n);
            FloatPointer a2 = new FloatPointer((long) m * k), b2 = new FloatPointer((long) k * n), c2 = new FloatPointer((long) m * n);
            for (long i = 0; i < (long) m * k; i++) { a.put(i, (float) Math.sin(i)); a2.put(i, (float) Math.sin(i)); }
            for (long i = 0; i < (long) k * n; i++) { b.put(i, (float) Math.cos(i)); b2.put(i, (float) Math.cos(i)); }
            double flops = 2.0 * m * n * k;
            for (int round = 0; round < 2; round++) {
                openblas_nolapack.blas_set_num_threads(1);
                System.out.printf("%dx%dx%d 1t full: %.1f%n", m, k, n, rate(flops, () -> gemm(a, 0, k, b, 0, n, c, 0, n, m, n, k)));
                openblas_nolapack.blas_set_num_threads(2);
                System.out.printf("%dx%dx%d openblas 2t: %.1f%n", m, k, n, rate(flops, () -> gemm(a, 0, k, b, 0, n, c, 0, n, m, n, k)));
                openblas_nolapack.blas_set_num_threads(1);
                System.out.printf("%dx%dx%d split rows: %.1f%n", m, k, n, pair(flops,
                        () -> gemm(a, 0, k, b, 0, n, c, 0, n, m / 2, n, k),
                        () -> gemm(a, (long) (m / 2) * k, k, b, 0, n, c, (long) (m / 2) * n, n, m / 2, n, k)));
                System.out.printf("%dx%dx%d split cols: %.1f%n", m, k, n, pair(flops,
                        () -> gemm(a, 0, k, b, 0, n, c, 0, n, m, n / 2, k),
                        () -> gemm(a, 0, k, b, n / 2, n, c, n / 2, n, m, n / 2, k)));
                System.out.printf("%dx%dx%d two independent fulls: %.1f%n", m, k, n, pair(2 * flops,
                        () -> gemm(a, 0, k, b, 0, n, c, 0, n, m, n, k),
                        () -> gemm(a2, 0, k, b2, 0, n, c2, 0, n, m, n, k)));
            }
        }
        System.exit(0);
    }
    static double rate(double flops, Runnable r) {
        for (int i = 0; i < 20; i++) r.run();
        long t0 = System.nanoTime(); int calls = 0;
        while (System.nanoTime() - t0 < 1_000_000_000L) { r.run(); calls++; }
        return flops * calls / ((System.nanoTime() - t0) / 1e9) / 1e9;
    }
    static double pair(double flops, Runnable r0, Runnable r1) throws Exception {
        int calls = 400;
        CyclicBarrier bar = new CyclicBarrier(2);
        Thread t = new Thread(() -> { try { for (int i = 0; i < calls + 20; i++) { bar.await(); r1.run(); bar.await(); } } catch (Exception e) { throw new RuntimeException(e); } });
        t.start();
        long t0 = 0;
        for (int i = 0; i < calls + 20; i++) { if (i == 20) t0 = System.nanoTime(); bar.await(); r0.run(); bar.await(); }
        long el = System.nanoTime() - t0;
        t.join();
        return flops * calls / (el / 1e9) / 1e9;
    }
}
