package dev.lockstep.cli;

import dev.lockstep.collective.PeerSecurity;
import dev.lockstep.estimator.Listener;
import dev.lockstep.job.JobSpec;
import dev.lockstep.worker.ReduceStats;
import dev.lockstep.worker.Worker;
import dev.lockstep.worker.WorkerConfig;
import dev.lockstep.worker.WorkerException;
import dev.lockstep.worker.WorkerSecurity;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lockstep worker --coordinator HOST:PORT}: one worker process of a distributed job. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Join the oldest job waiting for workers at a coordinator and train it with the other "
                + "workers; when the coordinator restarts the job, join it again.",
                "Exit codes: 0 the job succeeded, 1 it failed (the reason names the rank), 2 bad flags, "
                        + "130/143 stopped by SIGINT/SIGTERM."})
final class WorkerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--coordinator", required = true, paramLabel = "HOST:PORT",
            description = "The coordinator to join.")
    String coordinator;

    @Option(names = "--job", paramLabel = "JOB_ID", description = "Join this job (default: the oldest job that "
            + "waits for workers).")
    String job;

    @Option(names = "--device", description = "Run on this device instead of the job's (cpu, xla-cpu, cuda, "
            + "pjrt:/path/to/plugin.so[:N], tpu[:N], gpu[:N]; empty: the job's).")
    String device;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address the collective server binds and "
            + "tells the coordinator (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--join-timeout", defaultValue = "60", paramLabel = "SECONDS",
            description = "How long to wait for a job that waits for workers (default ${DEFAULT-VALUE}).")
    long joinTimeoutSeconds;

    @Option(names = "--rank", paramLabel = "R", description = "Ask for this rank at every registration (default: "
            + "the next free one). A pod of a Kubernetes indexed job passes its index's rank, so a replaced pod "
            + "takes its predecessor's place.")
    Integer rank;

    @Mixin
    MetricsOptions metricsOptions;

    @Mixin
    TlsOptions tls;

    @Mixin
    TlsOptions.Client tlsClient;

    @Option(names = "--tls-client-auth", description = "Make this worker's collective server require a client "
            + "certificate signed by --tls-trust from the other workers (mutual TLS).")
    boolean tlsClientAuth;

    @Mixin
    TokenOptions token;

    /**
     * One TLS set-up and one token for every connection: to the coordinator, the collective server, and the
     * streams to the other workers (the job's worker token opens all three).
     */
    private WorkerSecurity security(PrintWriter err) {
        TlsSettings settings = tls.serverAndClient(tlsClient, tlsClientAuth, err);
        Optional<Secret> workerToken = token.read(err);
        PeerSecurity peers = peers(settings, workerToken, new RefusalLog(err, "lockstep worker: "));
        if (!CoordinatorCommand.isLoopback(host) && (!settings.enabled() || workerToken.isEmpty())) {
            err.println("lockstep: warning: this worker's collective server listens on " + host + " without "
                    + (settings.enabled() ? "a token" : workerToken.isEmpty() ? "TLS or a token" : "TLS")
                    + " (see --tls-cert, --tls-key, --tls-trust and --token-file)");
            err.flush();
        }
        return new WorkerSecurity(peers.peers(), settings.serverName(), peers);
    }

    /** The collective server's and the peer channels' protection: {@code settings} and the job's worker token. */
    static PeerSecurity peers(TlsSettings settings, Optional<Secret> workerToken, Consumer<String> refusals) {
        return new PeerSecurity(settings.serverCredentials(), settings.channelCredentials(workerToken),
                settings.serverName(), workerToken.map(Secret::sha256), refusals);
    }

    @Mixin
    HealthOptions healthOptions;

    @Override
    public Integer call() throws Exception {
        NettyLeakDetection.offUnlessAsked();
        if (!coordinator.matches("(\\[[0-9a-fA-F:.]+]|[^:\\[\\]]+):[0-9]{1,5}")) {
            throw new UsageProblem("--coordinator " + coordinator + ": expected HOST:PORT (e.g. 127.0.0.1:7070)");
        }
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            throw new UsageProblem("--host " + host + ": give the address the other workers reach this one at "
                    + "(it goes into the ring), not a wildcard");
        }
        if (joinTimeoutSeconds < 1) {
            throw new UsageProblem("--join-timeout: expected a positive number of seconds, got " + joinTimeoutSeconds);
        }
        if (rank != null && rank < 0) {
            throw new UsageProblem("--rank: expected 0 or more, got " + rank);
        }
        metricsOptions.check();
        healthOptions.check();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        WorkerConfig config = WorkerConfig.of(coordinator, Lockstep.VERSION).withJob(job == null ? "" : job).withListenHost(host)
                .withDevice(Optional.ofNullable(device).filter(d -> !d.isBlank()))
                .withJoinTimeout(Duration.ofSeconds(joinTimeoutSeconds))
                .withRank(rank == null ? OptionalInt.empty() : OptionalInt.of(rank))
                .withSecurity(security(err));
        PrometheusMeterRegistry registry = null;
        MetricsServer server = null;
        List<TrainingMetrics> metrics = new ArrayList<>();
        HealthServer health = healthOptions.start(out);
        if (metricsOptions.enabled()) {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            try {
                server = new MetricsServer(registry, metricsOptions.host, metricsOptions.port);
            } catch (RuntimeException e) {
                if (health != null) {
                    health.close();
                }
                throw e;
            }
            out.printf(Locale.ROOT, "metrics at http://%s:%d/metrics%n", metricsOptions.host, server.port());
        }
        PrometheusMeterRegistry reg = registry;
        Worker.Observer observer = new Worker.Observer() {
            @Override
            public List<Listener> listeners(String jobId, int rank, int worldSize, JobSpec job, ReduceStats reduce) {
                List<Listener> ls = new ArrayList<>();
                ls.add(new ProgressReporter(out, false, job.train().steps().orElse(0), job.logEverySteps()));
                if (reg != null) {
                    metrics.forEach(TrainingMetrics::close);
                    metrics.clear();
                    TrainingMetrics m = new TrainingMetrics(reg).withAllReduce(reduce);
                    metrics.add(m);
                    ls.add(m);
                }
                return ls;
            }

            @Override
            public void line(String text) {
                out.println(text);
                out.flush();
            }
        };
        try (GracefulStop stop = GracefulStop.install(err)) {
            Worker.Outcome outcome;
            try {
                outcome = new Worker(config, observer, stop).run();
            } catch (WorkerException | java.io.UncheckedIOException e) {
                // Expected failures (no job to join, the coordinator refused this worker, a port that cannot
                // be bound): the message names the address, job or rank; no trace file.
                err.println("lockstep worker: " + e.getMessage());
                return Lockstep.RUNTIME_FAILURE;
            }
            out.flush();
            return switch (outcome.kind()) {
                case SUCCEEDED -> {
                    out.printf(Locale.ROOT, "job %s succeeded%n", outcome.jobId());
                    yield Lockstep.OK;
                }
                case FAILED -> {
                    err.println("lockstep worker: " + outcome.message());
                    yield Lockstep.RUNTIME_FAILURE;
                }
                case STOPPED -> {
                    err.println("lockstep worker: stopped by " + stop.received() + "; job " + outcome.jobId()
                            + " learns it from this worker's failure report");
                    yield stop.exitCode();
                }
            };
        } finally {
            metrics.forEach(TrainingMetrics::close);
            if (server != null) {
                server.close();
            }
            if (health != null) {
                health.close();
            }
        }
    }
}
