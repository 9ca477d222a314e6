package dev.lockstep.cli;

import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The standard {@code grpc.health.v1.Health} service alone, in plaintext, on its own port ({@code --health-port}):
 * Kubernetes' gRPC probes cannot speak TLS or send a token, so they get a port of their own that carries
 * nothing else. SERVING from start until {@link #close} (NOT_SERVING while closing).
 */
final class HealthServer implements AutoCloseable {
    private final HealthStatusManager health = new HealthStatusManager();
    private final Server server;

    /** Binds {@code host:port}; a taken port or unknown host is a {@link UsageProblem} naming the flag. */
    HealthServer(String host, int port) {
        MetricsServer.checkPort(port, "--health-port");
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new UsageProblem("--health-host " + host + ": unknown host (use an address such as 0.0.0.0)");
        }
        server = NettyServerBuilder.forAddress(address).addService(health.getHealthService()).build();
        try {
            server.start();
        } catch (IOException e) {
            throw new UsageProblem("--health-port " + port + ": cannot listen on " + host + ":" + port + " ("
                    + e.getMessage() + "); choose another --health-port (0 picks a free one) or --health-host");
        }
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
    }

    int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        health.enterTerminalState();
        server.shutdown();
        try {
            if (!server.awaitTermination(3, TimeUnit.SECONDS)) {
                server.shutdownNow().awaitTermination(3, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
