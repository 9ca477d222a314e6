package dev.lockstep.cli;

import dev.lockstep.coordinator.Coordinator;
import dev.lockstep.coordinator.CoordinatorConfig;
import dev.lockstep.coordinator.CoordinatorSecurity;
import dev.lockstep.coordinator.CoordinatorServer;
import dev.lockstep.estimator.Replica;
import dev.lockstep.estimator.job.JobBuilder;
import dev.lockstep.job.JobSpec;
import dev.lockstep.proto.v1.SubmitRequest;
import dev.lockstep.proto.v1.SubmitResponse;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lockstep local --workers N JOB.yaml}: a coordinator in this process and N worker processes on
 * this machine, over loopback; follows the job as {@code lockstep train} reports training and exits with
 * its outcome. Every process it started is stopped, by pid, when it ends: on success, failure or a signal.
 */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = {"Train the job on N worker processes on this machine, with a coordinator in this process.",
                "The result equals `lockstep train` on the same spec (the same global batches, summed gradients).",
                "Exit codes: 0 the job succeeded, 1 it failed (the reason names the rank and address), 2 a bad "
                        + "spec or flag, 130/143 stopped by SIGINT/SIGTERM (the job is cancelled)."})
final class LocalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOB.yaml", description = "The job spec (YAML).")
    Path job;

    @Option(names = "--workers", paramLabel = "N", description = "Worker processes (default: the spec's "
            + "distributed.workers).")
    Integer workers;

    @Option(names = "--device", description = "Run every worker on this device instead of the job's.")
    String device;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "The coordinator's state and the workers' "
            + "logs (default: a new directory under the system temp directory).")
    Path stateDir;

    @Option(names = "--heartbeat-timeout", defaultValue = "10", paramLabel = "SECONDS",
            description = "A worker silent this long fails (or restarts) the job (default ${DEFAULT-VALUE}).")
    long heartbeatSeconds;

    @Mixin
    TlsOptions tls;

    @Option(names = "--no-tls", description = "Plaintext between the processes, and no tokens (by default they use "
            + "TLS with a certificate made for this run, mutual TLS between workers, and generated tokens).")
    boolean noTls;

    @Mixin
    TokenOptions token;

    @Option(names = "--metrics-port", paramLabel = "PORT", description = "Serve Prometheus metrics on 127.0.0.1: "
            + "the coordinator's at PORT, worker i's at PORT+1+i (0: every process picks a free port and prints it, "
            + "the workers in their logs; off by default).")
    Integer metricsPort;

    @Override
    public Integer call() throws Exception {
        NettyLeakDetection.offUnlessAsked();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (workers != null && workers < 1) {
            throw new UsageProblem("--workers: expected a positive number of worker processes, got " + workers);
        }
        if (metricsPort != null) {
            MetricsServer.checkPort(metricsPort);
        }
        if (heartbeatSeconds < 1) {
            throw new UsageProblem("--heartbeat-timeout: expected a positive number of seconds, got " + heartbeatSeconds);
        }
        if (!Files.isRegularFile(job)) {
            throw new UsageProblem("JOB.yaml " + job + " does not exist or is not a file");
        }
        if (noTls && (tls.cert != null || tls.key != null || tls.trust != null || token.file != null || token.env != null)) {
            throw new UsageProblem("--no-tls: leave out the --tls-* and --token-* flags with it");
        }
        JobSpec parsed = JobSpec.load(job);
        int n = workers != null ? workers : parsed.distributed().workers();
        // Every check `train` makes, for this world size, before any process starts.
        JobBuilder.build(parsed, new Replica(0, n));
        if (metricsPort != null && metricsPort > 0 && metricsPort + n > MetricsServer.MAX_PORT) {
            throw new UsageProblem("--metrics-port " + metricsPort + ": the " + n + " workers need ports up to "
                    + (metricsPort + n) + ", past " + MetricsServer.MAX_PORT);
        }
        Path dir = stateDir != null ? stateDir : Files.createTempDirectory("lockstep-local-");
        TlsSettings tlsSettings = noTls ? TlsSettings.off() : tlsSettings(dir, err);
        // The submitter's token (this process's) and the job's worker token, which only the workers get.
        Optional<Secret> adminToken = noTls ? Optional.empty() : token.read(err).or(() -> Optional.of(Secret.random()));
        Optional<Secret> workerToken = noTls ? Optional.empty() : Optional.of(Secret.random());
        CoordinatorSecurity security = new CoordinatorSecurity(tlsSettings.serverCredentials(),
                adminToken.map(Secret::sha256), new RefusalLog(err, "lockstep local: coordinator "));
        Coordinator coordinator = Coordinator.open(dir.resolve("coordinator"),
                CoordinatorConfig.of(Lockstep.VERSION).withHeartbeatDeadline(Duration.ofSeconds(heartbeatSeconds)),
                Clock.systemUTC());
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry = metricsPort == null ? null
                : new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                        io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        try (GracefulStop stop = GracefulStop.install(err);
             CoordinatorServer server = CoordinatorServer.start(coordinator, "127.0.0.1", 0, registry, security);
             MetricsServer metrics = registry == null ? null : new MetricsServer(registry, "127.0.0.1", metricsPort)) {
            if (metrics != null) {
                out.printf(Locale.ROOT, "metrics at http://127.0.0.1:%d/metrics (coordinator); workers %s%n",
                        metrics.port(), metricsPort == 0 ? "print theirs in their logs"
                                : "at ports " + (metricsPort + 1) + " to " + (metricsPort + n));
            }
            SubmitResponse submitted = coordinator.submit(SubmitRequest.newBuilder()
                    .setSpecYaml(Files.readString(job)).setBaseDir(job.toAbsolutePath().getParent().toString())
                    .setWorldSize(n).setWorkerTokenSha256(workerToken.map(Secret::sha256).orElse("")).build());
            String jobId = submitted.getJobId();
            try (WorkerProcesses procs = WorkerProcesses.start(n, server.address(), jobId, Optional.ofNullable(device),
                    dir.resolve("logs"), parsed.distributed().maxRestarts() * n, tlsSettings, workerToken,
                    slot -> metricsPort == null ? List.of()
                            : List.of("--metrics-port", Integer.toString(metricsPort == 0 ? 0 : metricsPort + 1 + slot)));
                 CoordinatorClient client = CoordinatorClient.connect(server.address(), tlsSettings, adminToken);
                 Supervisor supervisor = new Supervisor(coordinator, jobId, procs, stop)) {
                out.printf(Locale.ROOT, "job %s: coordinator at %s, %d workers (pids %s), logs in %s%n", jobId,
                        server.address(), n, procs.pids(), dir.resolve("logs"));
                out.printf(Locale.ROOT, "connections: %s%s%n", tlsSettings.describe(), tlsSettings.enabled()
                        ? " (certificate " + tlsSettings.cert().orElseThrow() + "), worker and client tokens" : "");
                out.flush();
                int code = client.follow(jobId, out, err, System.console() != null);
                if (stop.getAsBoolean()) {
                    procs.awaitExit(Duration.ofSeconds(15));
                    err.printf(Locale.ROOT, "lockstep: stopped by %s; job %s cancelled%n", stop.received(), jobId);
                    return stop.exitCode();
                }
                if (code != Lockstep.OK) {
                    procs.awaitExit(Duration.ofSeconds(15));
                    procs.failureTails(15).forEach(err::println);
                } else {
                    procs.awaitExit(Duration.ofSeconds(30));
                }
                return code;
            }
        }
    }

    /**
     * The given pair (trusting itself unless --tls-trust says otherwise), or a new self-signed one in the state
     * directory; either way every process presents it and requires it of the others.
     */
    private TlsSettings tlsSettings(Path dir, PrintWriter err) {
        if (tls.cert == null && tls.key == null && tls.trust == null) {
            return SelfSignedPair.create(dir.resolve("tls")).settings();
        }
        if (tls.cert == null || tls.key == null) {
            throw new UsageProblem((tls.cert == null ? "--tls-cert" : "--tls-key") + ": give --tls-cert and --tls-key "
                    + "together (or neither, for a certificate made for this run)");
        }
        TlsSettings given = new TlsSettings(true, Optional.of(tls.cert), Optional.of(tls.key),
                Optional.of(tls.trust != null ? tls.trust : tls.cert), true, Optional.empty());
        given.key().ifPresent(k -> PemFiles.warnIfShared(k, "--tls-key", err));
        return given;
    }

    /**
     * Beside the follower: replaces a worker process that died while its job runs (the coordinator decides
     * whether the job restarts), and cancels the job on SIGINT/SIGTERM so the follower ends. Every 200 ms.
     */
    private static final class Supervisor implements AutoCloseable {
        private final java.util.concurrent.ScheduledExecutorService timer =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                        Thread.ofPlatform().daemon().name("lockstep-local-supervisor").factory());

        Supervisor(Coordinator coordinator, String jobId, WorkerProcesses procs, GracefulStop stop) {
            boolean[] cancelled = {false};
            timer.scheduleWithFixedDelay(() -> {
                try {
                    if (stop.getAsBoolean() && !cancelled[0]) {
                        cancelled[0] = true;
                        cancel(coordinator, jobId);
                    } else if (!cancelled[0] && !ended(coordinator.status(jobId).getState())) {
                        procs.replaceFailed();
                        procs.exhausted().ifPresent(why -> coordinator.fail(jobId, why));
                    }
                } catch (RuntimeException e) {
                    // the next tick tries again; the follower reports the job's outcome either way
                }
            }, 200, 200, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        private static boolean ended(dev.lockstep.proto.v1.JobState s) {
            return s == dev.lockstep.proto.v1.JobState.SUCCEEDED || s == dev.lockstep.proto.v1.JobState.FAILED
                    || s == dev.lockstep.proto.v1.JobState.CANCELLED;
        }

        @Override
        public void close() {
            timer.shutdownNow();
            try {
                timer.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void cancel(Coordinator coordinator, String jobId) {
        try {
            coordinator.cancel(jobId);
        } catch (RuntimeException alreadyEnded) {
            // nothing left to cancel
        }
    }

}
