package dev.lockstep.device.nd4j;

import dev.lockstep.device.Device;
import dev.lockstep.device.DeviceProvider;

/**
 * Device {@code cpu}: nd4j-native with OpenBLAS. The device computes on {@code threads} threads of
 * its own (large gemms are split into blocks, see {@code Gemm}); OpenBLAS itself is set to one
 * thread (process-wide) because its spinning workers collapse when another process holds a core,
 * and ND4J's OpenMP pool is limited so nothing oversubscribes the cores. Several workers sharing a
 * machine should divide the cores between them.
 */
public final class CpuDeviceProvider implements DeviceProvider {
    private final int threads;
    private volatile String unusable;

    /** Uses every available core for BLAS (the ServiceLoader entry point). */
    public CpuDeviceProvider() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public CpuDeviceProvider(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
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
        Backends.configureThreads(1);
        return new Nd4jDevice("cpu", true, threads);
    }
}
