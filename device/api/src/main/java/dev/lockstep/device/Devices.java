package dev.lockstep.device;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Finds devices by name among the providers on the class path. */
public final class Devices {
    private Devices() {}

    public static List<DeviceProvider> providers() {
        List<DeviceProvider> all = new ArrayList<>();
        ServiceLoader.load(DeviceProvider.class).forEach(all::add);
        return all;
    }

    /** Names of devices whose providers are present and usable here. */
    public static List<String> available() {
        return providers().stream().filter(DeviceProvider::isUsable).map(DeviceProvider::name).sorted().toList();
    }

    /** Opens device {@code name}, or fails naming what is available and why it is not. */
    public static Device open(String name) {
        for (DeviceProvider p : providers()) {
            if (p.name().equals(name)) {
                if (!p.isUsable()) {
                    throw new IllegalArgumentException("device '" + name + "' is not usable here: " + p.unusableReason());
                }
                return p.open();
            }
        }
        throw new IllegalArgumentException("unknown device '" + name + "'; available: " + available()
                + " (a device module that is not on the class path is not available)");
    }
}
