package dev.lockstep.cli;

import dev.lockstep.device.Device;
import dev.lockstep.device.DeviceOptions;
import dev.lockstep.device.DeviceProvider;
import dev.lockstep.device.pjrt.Pjrt;
import java.nio.file.Path;

/**
 * Device names {@code tpu[:N]} and {@code gpu[:N]}: the host's usual PJRT plugin (found by {@link PluginLocator}
 * from this process's environment, which is why these providers live in cli/) opened through device/pjrt; N
 * picks one of the client's addressable devices (default 0), for one worker per device.
 */
public abstract class AcceleratorDeviceProvider implements DeviceProvider {
    private final PluginLocator.Kind kind;

    AcceleratorDeviceProvider(PluginLocator.Kind kind) {
        this.kind = kind;
    }

    private PluginLocator locator() {
        return new PluginLocator(System.getenv());
    }

    @Override
    public String name() {
        return kind.device;
    }

    @Override
    public boolean accepts(String name) {
        return name.equals(kind.device) || name.startsWith(kind.device + ":");
    }

    @Override
    public boolean isUsable() {
        return locator().find(kind).isPresent();
    }

    @Override
    public String unusableReason() {
        return locator().notFound(kind);
    }

    @Override
    public String problem(String name) {
        try {
            index(name);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return isUsable() ? "" : unusableReason();
    }

    @Override
    public Device open() {
        return open(kind.device, DeviceOptions.NONE);
    }

    @Override
    public Device open(String name, DeviceOptions options) {
        Path plugin = locator().find(kind).orElseThrow(() -> new IllegalArgumentException("device " + name + ": "
                + unusableReason()));
        return Pjrt.open(name, plugin, index(name), options);
    }

    private int index(String name) {
        if (name.equals(kind.device)) {
            return 0;
        }
        String n = name.substring(kind.device.length() + 1);
        if (n.isEmpty() || n.length() > 9 || !n.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("'" + name + "': expected " + kind.device + " or " + kind.device
                    + ":N with N the device's number on this host (0, 1, ...)");
        }
        return Integer.parseInt(n);
    }

    /** {@code tpu}: libtpu. */
    public static final class Tpu extends AcceleratorDeviceProvider {
        public Tpu() {
            super(PluginLocator.Kind.TPU);
        }
    }

    /** {@code gpu}: the CUDA plugin. */
    public static final class Gpu extends AcceleratorDeviceProvider {
        public Gpu() {
            super(PluginLocator.Kind.GPU);
        }
    }
}
