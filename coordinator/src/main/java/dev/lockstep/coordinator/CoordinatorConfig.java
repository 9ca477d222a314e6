package dev.lockstep.coordinator;

import java.time.Duration;
import java.util.Objects;

/**
 * What a coordinator is configured with (read from flags by cli/, never from the environment here).
 *
 * @param heartbeatDeadline a registered worker whose last heartbeat is older than this fails its job
 * @param lockstepVersion the version every worker must report when it registers
 */
public record CoordinatorConfig(Duration heartbeatDeadline, String lockstepVersion) {
    public static final Duration DEFAULT_HEARTBEAT_DEADLINE = Duration.ofSeconds(10);

    public CoordinatorConfig {
        Objects.requireNonNull(heartbeatDeadline, "heartbeatDeadline");
        Objects.requireNonNull(lockstepVersion, "lockstepVersion");
        if (heartbeatDeadline.isNegative() || heartbeatDeadline.isZero()) {
            throw new IllegalArgumentException("heartbeatDeadline must be positive, got " + heartbeatDeadline);
        }
        if (lockstepVersion.isBlank()) {
            throw new IllegalArgumentException("lockstepVersion must not be blank");
        }
    }

    /** The default heartbeat deadline (10 s) for this Lockstep version. */
    public static CoordinatorConfig of(String lockstepVersion) {
        return new CoordinatorConfig(DEFAULT_HEARTBEAT_DEADLINE, lockstepVersion);
    }

    public CoordinatorConfig withHeartbeatDeadline(Duration deadline) {
        return new CoordinatorConfig(deadline, lockstepVersion);
    }
}
