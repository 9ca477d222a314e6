package dev.lockstep.coordinator;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The coordinator process's server: {@link CoordinatorService} over Netty on {@code host:port}, a daemon
 * ticker that checks heartbeat deadlines every {@value #TICK_MS} ms (so a silent worker fails or restarts its
 * job even when nobody calls) and refreshes the gauges of an optional registry. It also serves the standard
 * {@code grpc.health.v1.Health} service (SERVING while it runs, NOT_SERVING once closing), which Kubernetes'
 * gRPC probes and grpc-health-probe call. {@link #close()} ends open Watch streams with UNAVAILABLE and shuts
 * the server down within a few seconds.
 */
public final class CoordinatorServer implements AutoCloseable {
    static final long TICK_MS = 200;
    /** The largest request: a job spec, or a commit with a checksum per tensor path, is far smaller. */
    public static final int MAX_MESSAGE_BYTES = 4 << 20;
    static final int MAX_HEADER_BYTES = 16 << 10;
    private static final long GRACE_SECONDS = 3;

    private final Coordinator coordinator;
    private final Server server;
    private final String host;
    /** Kept from the start: the server no longer answers getPort() once it has terminated. */
    private final int port;
    private final ScheduledExecutorService ticker;
    private final HealthStatusManager health;
    private volatile RuntimeException lastTickFailure;

    private CoordinatorServer(Coordinator coordinator, Server server, HealthStatusManager health, String host,
                              CoordinatorMetrics metrics) {
        this.coordinator = coordinator;
        this.server = server;
        this.health = health;
        this.host = host;
        this.port = server.getPort();
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lockstep-coordinator-ticker");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleWithFixedDelay(() -> {
            try {
                coordinator.checkDeadlines();
                if (metrics != null) {
                    metrics.refresh();
                }
            } catch (RuntimeException e) {
                // A failed save must not stop the ticker (the next call retries it); status() keeps it visible.
                lastTickFailure = e;
            }
        }, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Serves {@code coordinator} on {@code host:port} (port 0: an ephemeral port, see {@link #port()}).
     * {@code metrics} may be null; otherwise the job and rank gauges are registered in it.
     *
     * @throws IOException when the address cannot be bound (the message names it)
     */
    public static CoordinatorServer start(Coordinator coordinator, String host, int port, MeterRegistry metrics)
            throws IOException {
        return start(coordinator, host, port, metrics, CoordinatorSecurity.insecure());
    }

    /**
     * {@link #start(Coordinator, String, int, MeterRegistry)} with TLS and tokens as {@code security} says: the
     * token rules ({@link Authenticator}) wrap the coordinator service, and only it (the health service
     * answers anyone, as probes call it).
     */
    public static CoordinatorServer start(Coordinator coordinator, String host, int port, MeterRegistry metrics,
                                          CoordinatorSecurity security) throws IOException {
        HealthStatusManager health = new HealthStatusManager();
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port), security.credentials())
                .addService(ServerInterceptors.intercept(new CoordinatorService(coordinator),
                        new Authenticator(coordinator, security)))
                .addService(health.getHealthService())
                // A request past these is an error for its caller (RESOURCE_EXHAUSTED), never read whole.
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .maxInboundMetadataSize(MAX_HEADER_BYTES)
                // Clients following a job ping an idle stream so a vanished coordinator is noticed.
                .permitKeepAliveTime(10, TimeUnit.SECONDS).permitKeepAliveWithoutCalls(true)
                .build();
        try {
            server.start();
        } catch (IOException e) {
            throw new IOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        CoordinatorMetrics gauges = metrics == null ? null : new CoordinatorMetrics(metrics, coordinator);
        if (gauges != null) {
            gauges.refresh();
        }
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
        health.setStatus(dev.lockstep.proto.v1.CoordinatorGrpc.SERVICE_NAME, ServingStatus.SERVING);
        return new CoordinatorServer(coordinator, server, health, host, gauges);
    }

    /** The port the server listens on (the ephemeral one when started with port 0). */
    public int port() {
        return port;
    }

    public String host() {
        return host;
    }

    /** {@code host:port}, as clients and workers dial it. */
    public String address() {
        return host + ":" + port();
    }

    public Coordinator coordinator() {
        return coordinator;
    }

    /** The last failure of the deadline ticker (a state save that failed), or null. */
    public RuntimeException lastTickFailure() {
        return lastTickFailure;
    }

    @Override
    public void close() throws InterruptedException {
        health.enterTerminalState();
        ticker.shutdownNow();
        coordinator.closeStreams();
        server.shutdown();
        if (!server.awaitTermination(GRACE_SECONDS, TimeUnit.SECONDS)) {
            server.shutdownNow();
            server.awaitTermination(GRACE_SECONDS, TimeUnit.SECONDS);
        }
        ticker.awaitTermination(GRACE_SECONDS, TimeUnit.SECONDS);
    }
}
