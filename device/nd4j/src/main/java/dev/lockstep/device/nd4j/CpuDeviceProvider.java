package dev.lockstep.device.nd4j;

import dev.lockstep.device.Device;
import dev.lockstep.device.DeviceProvider;

/**
 * Device {@code cpu}: nd4j-native with OpenBLAS on {@code threads} threads, set process-wide when
 * the device opens (OpenBLAS and ND4J's OpenMP pool are each one per process). Several workers
 * sharing a machine should divide the cores between them.
 */
public final class CpuDeviceProvider implements DeviceProvider {
    /** Who runs a large gemm on several threads. */
    public enum GemmThreading {
        /**
         * OpenBLAS's own threads: the fastest on otherwise idle cores (~200 GFLOP/s on 2 cores here),
         * but its workers spin waiting for each other and collapse (to under 10 GFLOP/s measured)
         * when another process holds one of the cores.
         */
        OPENBLAS,
        /**
         * The device splits C into row or column blocks, each a single-threaded cblas call on its own
         * thread: ~15% slower on idle cores (B or A is packed once per block), but degrades gracefully
         * when cores are shared.
         */
        SPLIT
    }

    private final int threads;
    private final GemmThreading threading;
    private volatile String unusable;

    /** Every available core, OpenBLAS threading (the ServiceLoader entry point). */
    public CpuDeviceProvider() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public CpuDeviceProvider(int threads) {
        this(threads, GemmThreading.OPENBLAS);
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
    public boolean isUsable() {
        return unusableReason().isEmpty();
    }

    @Override
    public String unusableReason() {
        String r = unusable;
        if (r == null) {
            r = Backends.probe(Backends.NATIVE_BACKEND, "nd4j-native");
            unusable = r;
        }
        return r;
    }

    @Override
    public Device open() {
        if (!isUsable()) {
            throw new IllegalStateException("device cpu is not usable: " + unusableReason());
        }
        boolean split = threading == GemmThreading.SPLIT;
        Backends.configureThreads(split ? 1 : threads);
        return new Nd4jDevice("cpu", true, threads, split);
    }
}
