package dev.lockstep.device.xla;

import dev.lockstep.device.Device;
import dev.lockstep.device.DeviceProvider;

/**
 * Registers device {@code xla-cpu}: StableHLO run by XLA on the CPU through TensorFlow Java. The
 * native TensorFlow library is large and optional, so a failure to load it makes the device
 * unusable (with the reason) instead of failing the process.
 */
public final class XlaCpuDeviceProvider implements DeviceProvider {
    public static final String NAME = "xla-cpu";

    private final Runnable loadNative;
    private volatile String unusable;

    public XlaCpuDeviceProvider() {
        this(org.tensorflow.TensorFlow::version);
    }

    /** {@code loadNative} throws when the native library cannot load (tests simulate that). */
    XlaCpuDeviceProvider(Runnable loadNative) {
        this.loadNative = loadNative;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean isUsable() {
        return probe().isEmpty();
    }

    @Override
    public String unusableReason() {
        return probe();
    }

    /** "" when TensorFlow's native library loads, else why not. Computed once per provider. */
    private String probe() {
        String r = unusable;
        if (r == null) {
            try {
                loadNative.run();
                r = "";
            } catch (LinkageError | RuntimeException e) {
                r = "TensorFlow Java's native library (tensorflow-core-native for this platform) did not load: " + e;
            }
            unusable = r;
        }
        return r;
    }

    @Override
    public Device open() {
        String reason = probe();
        if (!reason.isEmpty()) {
            throw new IllegalStateException("device " + NAME + " is not usable: " + reason);
        }
        return new XlaDevice(NAME, new TfXlaRuntime());
    }
}
