package dev.lockstep.worker;

import dev.lockstep.collective.CollectiveOptions;
import dev.lockstep.collective.GrpcTransportSettings;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a worker process is configured with (read from flags by cli/, never from the environment here).
 *
 * @param coordinator host:port of the coordinator
 * @param job the job to join; empty: the oldest job that waits for workers
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
 * @param security TLS and the job's worker token, for the coordinator and for the peers
 * @param rank the rank to ask for at every registration (a pod of an indexed job keeps its index's rank);
 *     empty: the next free one
 */
public record WorkerConfig(String coordinator, String job, String listenHost, Optional<String> device, Duration joinTimeout,
                           Duration ringTimeout, Duration rpcTimeout, CollectiveOptions collective,
                           GrpcTransportSettings transport, String version, int maxAttempts,
                           WorkerSecurity security, OptionalInt rank) {
    public WorkerConfig {
        Objects.requireNonNull(coordinator, "coordinator");
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(listenHost, "listenHost");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(collective, "collective");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(rank, "rank");
        if (rank.isPresent() && rank.getAsInt() < 0) {
            throw new IllegalArgumentException("rank must be >= 0, got " + rank.getAsInt());
        }
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
        return new WorkerConfig(coordinator, "", "127.0.0.1", Optional.empty(), Duration.ofSeconds(60),
                Duration.ofSeconds(120), Duration.ofSeconds(10), CollectiveOptions.defaults()
                        .withStepTimeout(DEFAULT_PEER_TIMEOUT),
                GrpcTransportSettings.defaults(), version, 100, WorkerSecurity.insecure(),
                OptionalInt.empty());
    }

    /**
     * How long one all-reduce step waits for a peer. Longer than the coordinator's heartbeat deadline: a
     * dead peer cuts its streams at once and a hung one misses its heartbeats, so this bound only has to
     * cover rank 0 writing a checkpoint while the others wait in the next step's reduce.
     */
    public static final Duration DEFAULT_PEER_TIMEOUT = Duration.ofSeconds(60);

    public WorkerConfig withJob(String j) {
        return new WorkerConfig(coordinator, j, listenHost, device, joinTimeout, ringTimeout, rpcTimeout, collective,
                transport, version, maxAttempts, security, rank);
    }

    public WorkerConfig withDevice(Optional<String> d) {
        return new WorkerConfig(coordinator, job, listenHost, d, joinTimeout, ringTimeout, rpcTimeout, collective, transport,
                version, maxAttempts, security, rank);
    }

    public WorkerConfig withListenHost(String host) {
        return new WorkerConfig(coordinator, job, host, device, joinTimeout, ringTimeout, rpcTimeout, collective, transport,
                version, maxAttempts, security, rank);
    }

    public WorkerConfig withJoinTimeout(Duration d) {
        return new WorkerConfig(coordinator, job, listenHost, device, d, ringTimeout, rpcTimeout, collective, transport,
                version, maxAttempts, security, rank);
    }

    public WorkerConfig withCollective(CollectiveOptions c) {
        return new WorkerConfig(coordinator, job, listenHost, device, joinTimeout, ringTimeout, rpcTimeout, c, transport,
                version, maxAttempts, security, rank);
    }

    public WorkerConfig withSecurity(WorkerSecurity s) {
        return new WorkerConfig(coordinator, job, listenHost, device, joinTimeout, ringTimeout, rpcTimeout, collective,
                transport, version, maxAttempts, s, rank);
    }

    public WorkerConfig withRank(OptionalInt r) {
        return new WorkerConfig(coordinator, job, listenHost, device, joinTimeout, ringTimeout, rpcTimeout, collective,
                transport, version, maxAttempts, security, r);
    }
}
