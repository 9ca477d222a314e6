package dev.lockstep.device.nd4j;

import dev.lockstep.device.Device;
import dev.lockstep.device.DeviceProvider;

/**
 * Device {@code cpu}: nd4j-native with OpenBLAS. Opening it sets OpenBLAS to {@code threads}
 * threads (process-wide, as OpenBLAS keeps one pool) and limits ND4J's own OpenMP pool so the two
 * do not oversubscribe the cores.
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
        Backends.configureThreads(threads);
        return new Nd4jDevice("cpu", true);
    }
}
