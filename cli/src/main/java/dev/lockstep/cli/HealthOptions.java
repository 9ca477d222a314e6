package dev.lockstep.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** {@code --health-port} and {@code --health-host}: the gRPC health service for Kubernetes' probes. */
final class HealthOptions {
    @Option(names = "--health-port", description = "Serve the standard gRPC health service (grpc.health.v1) in "
            + "plaintext on this port, for Kubernetes' gRPC probes (0: any free port; off by default).")
    Integer port;

    @Option(names = "--health-host", defaultValue = "127.0.0.1", description = "Address for --health-port "
            + "(default ${DEFAULT-VALUE}; 0.0.0.0 so that the kubelet reaches it).")
    String host;

    /** Refuses a port out of range before anything starts (exit code 2). */
    void check() {
        if (port != null) {
            MetricsServer.checkPort(port, "--health-port");
        }
    }

    /** The server, started, when {@code --health-port} was given; null otherwise. */
    HealthServer start(PrintWriter out) {
        if (port == null) {
            return null;
        }
        HealthServer server = new HealthServer(host, port);
        out.printf(java.util.Locale.ROOT, "health (gRPC) at %s:%d%n", host, server.port());
        out.flush();
        return server;
    }
}
