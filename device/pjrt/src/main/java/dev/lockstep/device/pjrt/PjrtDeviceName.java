package dev.lockstep.device.pjrt;

import java.nio.file.Path;

/**
 * A device name of the form {@code pjrt:/path/to/plugin.so} or {@code pjrt:/path/to/plugin.so:N}: the plugin
 * and the position of the device among the client's addressable devices (default 0).
 */
public record PjrtDeviceName(Path plugin, int index) {
    public static final String PREFIX = "pjrt:";

    public PjrtDeviceName {
        if (index < 0) {
            throw new IllegalArgumentException("a PJRT device index must be >= 0, got " + index);
        }
    }

    public static boolean matches(String name) {
        return name.startsWith(PREFIX);
    }

    /** Parses {@code pjrt:PATH[:N]}; a name that is not of that form is an IllegalArgumentException saying so. */
    public static PjrtDeviceName parse(String name) {
        if (!matches(name) || name.length() == PREFIX.length()) {
            throw new IllegalArgumentException("'" + name + "' is not a PJRT device name; expected "
                    + "pjrt:/path/to/plugin.so or pjrt:/path/to/plugin.so:N (N: which of its devices, default 0)");
        }
        String rest = name.substring(PREFIX.length());
        int colon = rest.lastIndexOf(':');
        if (colon > 0 && colon < rest.length() - 1 && rest.substring(colon + 1).chars().allMatch(Character::isDigit)) {
            String digits = rest.substring(colon + 1);
            if (digits.length() > 9) {
                throw new IllegalArgumentException("device index " + digits + " in '" + name + "' is too large");
            }
            return new PjrtDeviceName(Path.of(rest.substring(0, colon)), Integer.parseInt(digits));
        }
        return new PjrtDeviceName(Path.of(rest), 0);
    }
}
