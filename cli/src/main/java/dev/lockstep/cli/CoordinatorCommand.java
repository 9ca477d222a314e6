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
                "With --job JOB.yaml it serves that one job (submitted at start, or found in --state-dir after a "
                        + "restart), prints its progress like `lockstep submit` and, 5 s after the job ended (so that its workers "
                        + "learn the outcome), exits with it: 0 the job succeeded, 1 it failed or was cancelled. This is how index 0 of a Kubernetes indexed job runs.",
                "Exit codes: 1 the state directory cannot be read; 2 a flag or the --job spec is wrong or the port is taken."})
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

    @Option(names = "--job", paramLabel = "JOB.yaml", description = "Serve this one job and exit with its outcome "
            + "(see above).")
    Path jobFile;

    @Option(names = "--workers", paramLabel = "N", description = "With --job: the job's world size (default: the "
            + "spec's distributed.workers).")
    Integer workers;

    @Option(names = "--model-dir", paramLabel = "DIR", description = "With --job: write the job's checkpoints here "
            + "instead of the spec's checkpoints.dir (a volume every worker mounts).")
    Path modelDir;

    @picocli.CommandLine.Mixin
    HealthOptions healthOptions;

    /** How long a coordinator with --job keeps serving after its job ended, so that its workers learn the outcome. */
    static final long LINGER_SECONDS = 5;

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
        healthOptions.check();
        if (jobFile == null && (workers != null || modelDir != null)) {
            throw new UsageProblem((workers != null ? "--workers" : "--model-dir") + " needs --job");
        }
        if (workers != null && workers < 1) {
            throw new UsageProblem("--workers: expected a positive number of workers, got " + workers);
        }
        dev.lockstep.job.JobSpec served = jobFile == null ? null
                : ServedJob.load(jobFile, java.util.Optional.ofNullable(modelDir));
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
        HealthServer health = null;
        JobThread job = null;
        Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
        try {
            if (registry != null) {
                metrics = new MetricsServer(registry, host, metricsPort);
            }
            health = healthOptions.start(out);
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
            if (served != null) {
                job = new JobThread(server, served, jobFile, workers, tlsSettings, adminToken, out, err);
            }
            while (!stop.await(1, TimeUnit.SECONDS)) {
                // serving; the gRPC and ticker threads do the work
                if (job != null && job.outcome().isPresent()) {
                    // The workers ask for the outcome right after their last commit: answer them before leaving.
                    if (!stop.await(LINGER_SECONDS, TimeUnit.SECONDS)) {
                        err.flush();
                        return job.outcome().get();
                    }
                    break;
                }
            }
        } finally {
            previous.forEach(Signal::handle);
            if (job != null) {
                job.close();
            }
            server.close();
            if (metrics != null) {
                metrics.close();
            }
            if (health != null) {
                health.close();
            }
        }
        err.println("lockstep: coordinator on " + host + ":" + server.port() + " stopped");
        err.flush();
        return exitCode;
    }

    static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }

    /**
     * The {@code --job}: submitted (or found in the state directory) and followed over the server's own
     * address on a daemon thread, whose outcome ends the command.
     */
    private static final class JobThread implements AutoCloseable {
        private final CoordinatorClient client;
        private final Thread thread;
        private volatile Integer outcome;

        /** Follows over the server's own TLS with its admin token: its certificate must name the address. */
        JobThread(CoordinatorServer server, dev.lockstep.job.JobSpec spec, Path file, Integer workers,
                  TlsSettings tls, Optional<Secret> token, PrintWriter out, PrintWriter err) {
            int n = workers != null ? workers : spec.distributed().workers();
            String id;
            try {
                id = ServedJob.submitOrResume(server.coordinator(), spec, file.toAbsolutePath().getParent(), n, out);
            } catch (dev.lockstep.coordinator.CoordinatorException e) {
                throw new UsageProblem("--job " + file + ": " + e.getMessage());
            }
            boolean wildcard = server.host().equals("0.0.0.0") || server.host().equals("::");
            client = CoordinatorClient.connect(wildcard ? "127.0.0.1:" + server.port() : server.address(), tls, token);
            thread = Thread.ofPlatform().daemon().name("lockstep-coordinator-job").start(() -> {
                int code;
                try {
                    code = client.follow(id, out, err, false);
                } catch (RuntimeException e) {
                    err.println("lockstep: coordinator: following job " + id + ": " + e.getMessage());
                    code = Lockstep.RUNTIME_FAILURE;
                }
                out.flush();
                outcome = code;
            });
        }

        java.util.Optional<Integer> outcome() {
            return java.util.Optional.ofNullable(outcome);
        }

        @Override
        public void close() {
            client.close();
        }
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
