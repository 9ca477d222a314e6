package dev.lockstep.estimator;

import dev.lockstep.device.DeviceOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How an estimator runs: where it keeps checkpoints, the seed that fixes every random choice, the
 * device and the options its runtime opens with (a PJRT plugin's client options), checkpoint cadence (steps
 * and/or time) and retention, and log cadence. Immutable; the {@code with...} methods validate and name the
 * setting they reject.
 */
public record RunConfig(Path modelDir, long seed, String device, long checkpointEverySteps,
                        Duration checkpointEvery, int keepCheckpoints, long logEverySteps, DeviceOptions deviceOptions) {
    public RunConfig {
        Objects.requireNonNull(modelDir, "modelDir");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(deviceOptions, "deviceOptions");
        Objects.requireNonNull(checkpointEvery, "checkpointEvery");
        require(checkpointEverySteps >= 0, "checkpointEverySteps", checkpointEverySteps, ">= 0 (0: by time only)");
        require(!checkpointEvery.isNegative(), "checkpointEvery", checkpointEvery, ">= 0 (0: by steps only)");
        require(keepCheckpoints >= 1, "keepCheckpoints", keepCheckpoints, ">= 1");
        require(logEverySteps >= 1, "logEverySteps", logEverySteps, ">= 1");
    }

    /** A run configuration whose device opens without options. */
    public RunConfig(Path modelDir, long seed, String device, long checkpointEverySteps, Duration checkpointEvery,
                     int keepCheckpoints, long logEverySteps) {
        this(modelDir, seed, device, checkpointEverySteps, checkpointEvery, keepCheckpoints, logEverySteps,
                DeviceOptions.NONE);
    }

    /** Checkpoints every 1,000 steps and 10 minutes, keeps 5, logs every 100 steps, device cpu. */
    public static RunConfig of(Path modelDir, long seed) {
        return new RunConfig(modelDir, seed, "cpu", 1000, Duration.ofMinutes(10), 5, 100);
    }

    public RunConfig withDevice(String d) {
        return new RunConfig(modelDir, seed, d, checkpointEverySteps, checkpointEvery, keepCheckpoints, logEverySteps,
                deviceOptions);
    }

    public RunConfig withDeviceOptions(DeviceOptions options) {
        return new RunConfig(modelDir, seed, device, checkpointEverySteps, checkpointEvery, keepCheckpoints,
                logEverySteps, options);
    }

    public RunConfig withModelDir(Path dir) {
        return new RunConfig(dir, seed, device, checkpointEverySteps, checkpointEvery, keepCheckpoints, logEverySteps,
                deviceOptions);
    }

    public RunConfig withCheckpoints(long everySteps, Duration every, int keep) {
        return new RunConfig(modelDir, seed, device, everySteps, every, keep, logEverySteps, deviceOptions);
    }

    public RunConfig withLogEverySteps(long steps) {
        return new RunConfig(modelDir, seed, device, checkpointEverySteps, checkpointEvery, keepCheckpoints, steps,
                deviceOptions);
    }

    private static void require(boolean ok, String name, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException("RunConfig." + name + " must be " + rule + ", got " + value);
        }
    }
}
