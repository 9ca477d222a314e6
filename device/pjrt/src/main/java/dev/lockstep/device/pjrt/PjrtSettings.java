package dev.lockstep.device.pjrt;

import java.time.Duration;
import java.util.Objects;

/**
 * Deadlines of a PJRT device: how long a transfer between host and device ({@code transfer}) and one run of a
 * program ({@code execute}, which includes waiting for its inputs) may take before the device gives up. A
 * device that gave up is unusable afterwards: the plugin may still finish the operation and write into memory
 * the binding has moved on from.
 */
public record PjrtSettings(Duration transfer, Duration execute) {
    /** 60 s per transfer, 10 minutes per run. */
    public static final PjrtSettings DEFAULTS = new PjrtSettings(Duration.ofSeconds(60), Duration.ofMinutes(10));

    public PjrtSettings {
        Objects.requireNonNull(transfer, "transfer");
        Objects.requireNonNull(execute, "execute");
        if (transfer.isNegative() || transfer.isZero() || execute.isNegative() || execute.isZero()) {
            throw new IllegalArgumentException("PJRT deadlines must be positive, got transfer " + transfer
                    + " and execute " + execute);
        }
    }
}
