package dev.lockstep.bench;

import dev.lockstep.device.Device;
import dev.lockstep.device.nd4j.CpuDeviceProvider;
import java.util.Locale;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Side-by-side GFLOP/s of the cpu device's dot_general and a direct cblas_sgemm on the same
 * buffers, one JSON line per shape and thread count. Arguments: thread counts (default "1,2"),
 * seconds per measurement (default 1.0), gemm threading {@code openblas|split} (default openblas).
 * Interleaves the two so load drift hits both.
 */
public final class SgemmMain {
    private SgemmMain() {}

    public static void main(String[] args) {
        String threadList = args.length > 0 ? args[0] : "1,2";
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 1.0;
        var threading = CpuDeviceProvider.GemmThreading.valueOf(
                (args.length > 2 ? args[2] : "openblas").toUpperCase(Locale.ROOT));
        for (String t : threadList.split(",")) {
            int threads = Integer.parseInt(t.trim());
            try (Device d = new CpuDeviceProvider(threads, threading).open()) {
                for (String s : GemmCase.SHAPES) {
                    try (GemmCase c = new GemmCase(d, GemmCase.Shape.parse(s), threads,
                            threading == CpuDeviceProvider.GemmThreading.SPLIT ? 1 : threads)) {
                        measure(c, 0.2);
                        double best = 0, bestBlas = 0;
                        for (int round = 0; round < 3; round++) {
                            best = Math.max(best, measure(c, seconds / 3, true));
                            bestBlas = Math.max(bestBlas, measure(c, seconds / 3, false));
                        }
                        System.out.println(String.format(Locale.ROOT,
                                "{\"shape\":\"%s\",\"threads\":%d,\"threading\":\"%s\",\"device_gflops\":%.1f,"
                                        + "\"cblas_gflops\":%.1f,\"ratio\":%.3f}",
                                s, threads, threading, best, bestBlas, best / bestBlas));
                    }
                }
            }
        }
    }

    private static void measure(GemmCase c, double seconds) {
        measure(c, seconds, true);
        measure(c, seconds, false);
    }

    /**
     * OpenBLAS's idle threads keep spinning for a while after its last threaded call (about 0.1 s,
     * 2^28 cycles by default); the device in split mode never uses them, so they must be quiet
     * before it is timed, as they are in a training process.
     */
    private static void settle() {
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * GFLOP/s over repeated calls for about {@code seconds}. OpenBLAS's thread count is process-wide:
     * the device runs with its own setting, the baseline is cblas with OpenBLAS's own threads.
     */
    private static double measure(GemmCase c, double seconds, boolean device) {
        int blasThreads = device ? c.deviceBlasThreads : c.threads;
        if (openblas_nolapack.blas_get_num_threads() > blasThreads) {
            openblas_nolapack.blas_set_num_threads(blasThreads);
            settle();
        }
        openblas_nolapack.blas_set_num_threads(blasThreads);
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        long calls = 0;
        do {
            if (device) {
                c.device();
            } else {
                c.cblas();
            }
            calls++;
        } while (System.nanoTime() < deadline);
        double elapsed = (System.nanoTime() - start) / 1e9;
        return c.shape.flops() * calls / elapsed / 1e9;
    }
}
