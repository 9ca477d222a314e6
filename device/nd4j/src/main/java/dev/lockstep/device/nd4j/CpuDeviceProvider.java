package dev.lockstep.device.nd4j;

import dev.lockstep.device.Device;

/**
 * Device {@code cpu}: nd4j-native with OpenBLAS, on {@code threads} compute threads. OpenBLAS's
 * thread count is set process-wide when the device opens (OpenBLAS and ND4J's OpenMP pool are each
 * one per process). Several workers sharing a machine should divide the cores between them.
 */
public final class CpuDeviceProvider extends Nd4jProvider {
    /** Who runs a large gemm on several threads. */
    public enum GemmThreading {
        /**
         * OpenBLAS's own threads: the fastest for one isolated large gemm on idle cores (~200 GFLOP/s
         * on 2 cores here), but its workers keep spinning after each call, so everything else in a
         * step runs on the calling thread alone; and they collapse (to under 10 GFLOP/s measured)
         * when another process holds one of the cores.
         */
        OPENBLAS,
        /**
         * The device's own compute threads (the default): each gemm is split into row or column
         * blocks, each a single-threaded cblas call (A or B is packed once per block), and large
         * fused elementwise kernels are split between the same threads. On the MLP training step
         * (bench's MlpBench, 2 cores) this is 15-25% faster than {@link #OPENBLAS}, and it degrades
         * gracefully when cores are shared: a late thread just takes less of the work.
         */
        SPLIT
    }

    private final int threads;
    private final GemmThreading threading;

    /** Every available core, the device's own threads (the ServiceLoader entry point). */
    public CpuDeviceProvider() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public CpuDeviceProvider(int threads) {
        this(threads, GemmThreading.SPLIT);
    }

    public CpuDeviceProvider(int threads, GemmThreading threading) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.threading = java.util.Objects.requireNonNull(threading, "threading");
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    String probe() {
        return Backends.probe(Backends.NATIVE_BACKEND, "nd4j-native");
    }

    @Override
    public Device open() {
        requireUsable();
        boolean split = threading == GemmThreading.SPLIT;
        Backends.configureThreads(split ? 1 : threads);
        return new Nd4jDevice("cpu", true, split ? threads : 1);
    }
}
