package dev.lockstep.cli;

import dev.lockstep.coordinator.Coordinator;
import dev.lockstep.coordinator.CoordinatorConfig;
import dev.lockstep.coordinator.CoordinatorSecurity;
import dev.lockstep.coordinator.CoordinatorServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** {@code lockstep coordinator --port P}: runs the coordinator until SIGINT or SIGTERM. */
@Command(name = "coordinator", mixinStandardHelpOptions = true,
        description = {"Run the coordinator: it takes jobs (`lockstep submit`), hands ranks and the ring to "
                + "workers (`lockstep worker`), detects failures and restarts jobs. Jobs survive a restart of the "
                + "coordinator in --state-dir."},
        footer = {"", "Runs until SIGINT (Ctrl-C) or SIGTERM, then closes the server (open `logs -f` streams end, "
                + "workers see it unavailable) and exits with 130 after SIGINT or 143 after SIGTERM.",
                "Exit codes: 1 the state directory cannot be read; 2 a flag is wrong or the port is taken."})
final class CoordinatorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", required = true, description = "Port to listen on (0: any free port).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--state-dir", defaultValue = "lockstep-coordinator",
            description = "Where jobs are stored (default: ./${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--heartbeat-timeout", defaultValue = "10", paramLabel = "SECONDS",
            description = "A worker silent this long fails (or restarts) its job (default: ${DEFAULT-VALUE}).")
    double heartbeatTimeout;

    @Option(names = "--metrics-port", description = "Serve Prometheus metrics at http://HOST:PORT/metrics "
            + "(0: any free port; off by default).")
    Integer metricsPort;

    @Mixin
    TlsOptions tls;

    @Option(names = "--tls-client-auth", description = "Require a client certificate signed by --tls-trust from "
            + "every client and worker (mutual TLS).")
    boolean tlsClientAuth;

    @Mixin
    TokenOptions token;

    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile int exitCode;

    @Override
    public Integer call() throws Exception {
        NettyLeakDetection.offUnlessAsked();
        if (port < 0 || port > MetricsServer.MAX_PORT) {
            throw new UsageProblem("--port " + port + " is out of range: use 1 to " + MetricsServer.MAX_PORT
                    + ", or 0 for any free port");
        }
        if (!(heartbeatTimeout > 0) || heartbeatTimeout > 86_400) {
            throw new UsageProblem("--heartbeat-timeout " + heartbeatTimeout + ": expected seconds above 0 (and at most a day)");
        }
        if (metricsPort != null) {
            MetricsServer.checkPort(metricsPort);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TlsSettings tlsSettings = tls.server(tlsClientAuth, err);
        Optional<Secret> adminToken = token.read(err);
        CoordinatorSecurity security = new CoordinatorSecurity(tlsSettings.serverCredentials(),
                adminToken.map(Secret::sha256), new RefusalLog(err, "lockstep coordinator: "));
        if (!isLoopback(host) && (!tlsSettings.enabled() || adminToken.isEmpty())) {
            err.println("lockstep: warning: the coordinator listens on " + host + " without "
                    + (tlsSettings.enabled() ? "a token" : adminToken.isEmpty() ? "TLS or a token" : "TLS")
                    + ": anyone who reaches it can " + (adminToken.isEmpty() ? "submit and cancel jobs" : "read the traffic")
                    + " (see --tls-cert, --tls-key and --token-file)");
            err.flush();
        }
        CoordinatorConfig config = new CoordinatorConfig(Duration.ofMillis(Math.round(heartbeatTimeout * 1000)),
                Lockstep.VERSION);
        Coordinator coordinator = Coordinator.open(stateDir, config, InstantSource.system());
        PrometheusMeterRegistry registry = metricsPort == null ? null : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CoordinatorServer server;
        try {
            server = CoordinatorServer.start(coordinator, host, port, registry, security);
        } catch (IOException e) {
            throw new UsageProblem("--port " + port + ": " + e.getMessage() + "; the port is in use or the address is "
                    + "not local: choose another --port (0 picks a free one) or --host");
        }
        MetricsServer metrics = null;
        Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
        try {
            if (registry != null) {
                metrics = new MetricsServer(registry, host, metricsPort);
            }
            out.println("coordinator listening on " + server.address() + " (state in " + stateDir.toAbsolutePath() + "; "
                    + tlsSettings.describe() + (adminToken.isPresent() ? ", token required" : ", no token") + ")");
            if (metrics != null) {
                out.println("metrics at http://" + host + ":" + metrics.port() + "/metrics");
            }
            out.flush();
            for (String name : new String[] {"TERM", "INT"}) {
                try {
                    Signal signal = new Signal(name);
                    previous.put(signal, Signal.handle(signal, s -> requestStop("SIG" + s.getName(), s.getNumber())));
                } catch (IllegalArgumentException e) {
                    // not available here: that signal keeps its default behaviour
                }
            }
            while (!stop.await(1, TimeUnit.SECONDS)) {
                // serving; the gRPC and ticker threads do the work
            }
        } finally {
            previous.forEach(Signal::handle);
            server.close();
            if (metrics != null) {
                metrics.close();
            }
        }
        err.println("lockstep: coordinator on " + host + ":" + server.port() + " stopped");
        err.flush();
        return exitCode;
    }

    static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }

    /** What a signal does (and what a test calls): stop serving and exit with 128 + {@code number}. */
    void requestStop(String name, int number) {
        if (stop.getCount() > 0) {
            exitCode = 128 + number;
            spec.commandLine().getErr().println("lockstep: " + name + " received: stopping the coordinator");
            spec.commandLine().getErr().flush();
            stop.countDown();
        }
    }
}
