package dev.lockstep.device;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

    /** The provider that opens devices called {@code name}, if one is on the class path. */
    public static Optional<DeviceProvider> provider(String name) {
        return providers().stream().filter(p -> p.accepts(name)).findFirst();
    }

    /** Opens device {@code name}, or fails naming what is available and why it is not. */
    public static Device open(String name) {
        return open(name, DeviceOptions.NONE);
    }

    /** Opens device {@code name} with {@code options} for its runtime (see {@link DeviceOptions}). */
    public static Device open(String name, DeviceOptions options) {
        DeviceProvider p = provider(name).orElseThrow(() -> new IllegalArgumentException("unknown device '" + name
                + "'; available: " + available() + " (a device module that is not on the class path is not available)"));
        String problem = p.problem(name);
        if (!problem.isEmpty()) {
            throw new IllegalArgumentException("device '" + name + "' is not usable here: " + problem);
        }
        return p.open(name, options);
    }
}
