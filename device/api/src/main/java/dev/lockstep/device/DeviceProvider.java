package dev.lockstep.device;

/**
 * Service-provider interface: each executor module registers one per device name in
 * {@code META-INF/services/dev.lockstep.device.DeviceProvider}, so a device module is optional at
 * run time (absent from the class path means absent from {@link Devices#available()}).
 */
public interface DeviceProvider {
    /** Device name, e.g. {@code cpu}. */
    String name();

    /** Whether the device can start here (native library present, hardware present). */
    boolean isUsable();

    /** Why {@link #isUsable()} is false, for error messages. */
    default String unusableReason() {
        return "";
    }

    Device open();
}
