package dev.lockstep.cli;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** Serves a Prometheus scrape of the registry at {@code /metrics} on one port (0: an ephemeral port). */
final class MetricsServer implements AutoCloseable {
    static final int MAX_PORT = 65535;

    private final HttpServer server;

    /**
     * Binds {@code host:port}. A port outside [0, 65535], an unknown host or a port already taken is the
     * user's choice to correct, so each is a {@link UsageProblem} naming the flag, address and port.
     */
    MetricsServer(PrometheusMeterRegistry registry, String host, int port) throws IOException {
        checkPort(port);
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new UsageProblem("--metrics-host " + host + ": unknown host (use an address such as 127.0.0.1)");
        }
        try {
            server = HttpServer.create(address, 0);
        } catch (BindException e) {
            throw new UsageProblem("--metrics-port " + port + ": cannot listen on " + host + ":" + port + " ("
                    + e.getMessage() + "); the port is in use or the address is not local: choose another "
                    + "--metrics-port (0 picks a free one) or --metrics-host");
        }
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                if (!"GET".equals(exchange.getRequestMethod())) {
                    exchange.sendResponseHeaders(405, -1);
                    return;
                }
                byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
    }

    /** Fails unless {@code port} is a TCP port or 0 (any free port); checked before the job is built. */
    static void checkPort(int port) {
        checkPort(port, "--metrics-port");
    }

    /** As {@link #checkPort(int)}, naming {@code flag}. */
    static void checkPort(int port, String flag) {
        if (port < 0 || port > MAX_PORT) {
            throw new UsageProblem(flag + " " + port + " is out of range: use 1 to " + MAX_PORT
                    + ", or 0 for any free port");
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
