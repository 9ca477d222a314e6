package dev.lockstep.cli;

import picocli.CommandLine.Option;

/** {@code --metrics-port} and {@code --metrics-host}, for the commands that serve Prometheus metrics while they train. */
final class MetricsOptions {
    @Option(names = "--metrics-port", description = "Serve Prometheus metrics at http://HOST:PORT/metrics "
            + "(0: any free port; off by default).")
    Integer port;

    @Option(names = "--metrics-host", defaultValue = "127.0.0.1", description = "Address for --metrics-port.")
    String host;

    boolean enabled() {
        return port != null;
    }

    /** Refuses a port out of range before anything starts (exit code 2). */
    void check() {
        if (port != null) {
            MetricsServer.checkPort(port);
        }
    }
}
