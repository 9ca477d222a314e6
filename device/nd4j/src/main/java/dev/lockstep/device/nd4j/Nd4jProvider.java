package dev.lockstep.device.nd4j;

import dev.lockstep.device.DeviceProvider;

/**
 * What the cpu and cuda providers share: whether the device is usable is probed once (loading ND4J
 * starts its native library, so not before it is asked) and the answer kept.
 */
abstract class Nd4jProvider implements DeviceProvider {
    private volatile String unusable;

    /** Empty when the device can open, else why not; called at most once per provider (races aside). */
    abstract String probe();

    @Override
    public final boolean isUsable() {
        return unusableReason().isEmpty();
    }

    @Override
    public final String unusableReason() {
        String r = unusable;
        if (r == null) {
            r = probe();
            unusable = r;
        }
        return r;
    }

    /** Throws, naming the device and the reason, unless it is usable. */
    final void requireUsable() {
        if (!isUsable()) {
            throw new IllegalStateException("device " + name() + " is not usable: " + unusableReason());
        }
    }
}
