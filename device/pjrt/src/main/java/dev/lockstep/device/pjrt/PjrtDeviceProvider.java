package dev.lockstep.device.pjrt;

import dev.lockstep.device.Device;
import dev.lockstep.device.DeviceOptions;
import dev.lockstep.device.DeviceProvider;
import java.nio.file.Files;

/** Registers the device names {@code pjrt:/path/to/plugin.so[:N]} (see {@link PjrtDeviceName}). */
public final class PjrtDeviceProvider implements DeviceProvider {
    @Override
    public String name() {
        return "pjrt:PLUGIN.so";
    }

    @Override
    public boolean accepts(String name) {
        return PjrtDeviceName.matches(name);
    }

    @Override
    public boolean isUsable() {
        return true;
    }

    @Override
    public String problem(String name) {
        PjrtDeviceName n;
        try {
            n = PjrtDeviceName.parse(name);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return Files.isRegularFile(n.plugin()) ? "" : "PJRT plugin " + n.plugin() + " does not exist or is not a file";
    }

    @Override
    public Device open() {
        throw new IllegalArgumentException("a PJRT device needs its plugin: pjrt:/path/to/plugin.so");
    }

    @Override
    public Device open(String name, DeviceOptions options) {
        PjrtDeviceName n = PjrtDeviceName.parse(name);
        return Pjrt.open(name, n.plugin(), n.index(), options);
    }
}
