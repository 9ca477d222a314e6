package dev.lockstep.worker;

import dev.lockstep.collective.CollectiveOptions;
import dev.lockstep.collective.GrpcTransportSettings;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a worker process is configured with (read from flags by cli/, never from the environment here).
 *
 * @param coordinator host:port of the coordinator
 * @param listenHost the address the worker's collective server binds and tells the coordinator (its
 *     port is chosen by the system)
 * @param device the device to run on instead of the job's, if given
 * @param joinTimeout how long to keep asking for a job when none waits for workers
 * @param ringTimeout how long to wait, once ready, for every other rank of the job to be ready
 * @param rpcTimeout the deadline of every unary call to the coordinator
 * @param collective all-reduce settings (the step timeout bounds every wait for a peer)
 * @param transport the gRPC transport's settings
 * @param version this worker's Lockstep version, which the coordinator compares with its own
 * @param maxAttempts attempts of one job this process makes (a restart is a new attempt)
 */
public record WorkerConfig(String coordinator, String listenHost, Optional<String> device, Duration joinTimeout,
                           Duration ringTimeout, Duration rpcTimeout, CollectiveOptions collective,
                           GrpcTransportSettings transport, String version, int maxAttempts) {
    public WorkerConfig {
        Objects.requireNonNull(coordinator, "coordinator");
        Objects.requireNonNull(listenHost, "listenHost");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(collective, "collective");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(version, "version");
        for (Duration d : new Duration[] {joinTimeout, ringTimeout, rpcTimeout}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("worker timeouts must be positive, got " + d);
            }
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
    }

    /** Defaults: 127.0.0.1, the job's device, 60 s to find a job, 120 s for the ring, 10 s per call. */
    public static WorkerConfig of(String coordinator, String version) {
        return new WorkerConfig(coordinator, "127.0.0.1", Optional.empty(), Duration.ofSeconds(60),
                Duration.ofSeconds(120), Duration.ofSeconds(10), CollectiveOptions.defaults(),
                GrpcTransportSettings.defaults(), version, 100);
    }

    public WorkerConfig withDevice(Optional<String> d) {
        return new WorkerConfig(coordinator, listenHost, d, joinTimeout, ringTimeout, rpcTimeout, collective, transport,
                version, maxAttempts);
    }

    public WorkerConfig withListenHost(String host) {
        return new WorkerConfig(coordinator, host, device, joinTimeout, ringTimeout, rpcTimeout, collective, transport,
                version, maxAttempts);
    }

    public WorkerConfig withJoinTimeout(Duration d) {
        return new WorkerConfig(coordinator, listenHost, device, d, ringTimeout, rpcTimeout, collective, transport,
                version, maxAttempts);
    }

    public WorkerConfig withCollective(CollectiveOptions c) {
        return new WorkerConfig(coordinator, listenHost, device, joinTimeout, ringTimeout, rpcTimeout, c, transport,
                version, maxAttempts);
    }
}
