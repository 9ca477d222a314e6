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

    /**
     * Whether this provider opens devices called {@code name}. By default only its own {@link #name()}; a
     * provider of a family of names ({@code pjrt:/path/to/plugin.so}, {@code tpu:3}) overrides it.
     */
    default boolean accepts(String name) {
        return name().equals(name);
    }

    /**
     * Why the device called {@code name} (one this provider {@link #accepts}) cannot be opened here, or "" if
     * it can. By default {@link #unusableReason()} when the provider is not {@link #isUsable() usable}; a
     * provider of a family of names checks the name itself (a plugin file that does not exist).
     */
    default String problem(String name) {
        return isUsable() ? "" : unusableReason();
    }

    /**
     * Opens the device called {@code name} (one this provider {@link #accepts}) with {@code options} for its
     * runtime. By default the options are ignored (see {@link DeviceOptions}) and {@link #open()} is called.
     */
    default Device open(String name, DeviceOptions options) {
        return open();
    }
}
