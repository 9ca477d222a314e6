package dev.lockstep.cli;

import dev.lockstep.estimator.Listener;
import dev.lockstep.job.JobSpec;
import dev.lockstep.worker.ReduceStats;
import dev.lockstep.worker.Worker;
import dev.lockstep.worker.WorkerConfig;
import dev.lockstep.worker.WorkerException;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
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
            + "pjrt:/path/to/plugin.so[:N], tpu[:N], gpu[:N]).")
    String device;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address the collective server binds and "
            + "tells the coordinator (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--join-timeout", defaultValue = "60", paramLabel = "SECONDS",
            description = "How long to wait for a job that waits for workers (default ${DEFAULT-VALUE}).")
    long joinTimeoutSeconds;

    @Mixin
    MetricsOptions metricsOptions;

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
        metricsOptions.check();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        WorkerConfig config = WorkerConfig.of(coordinator, Lockstep.VERSION).withJob(job == null ? "" : job).withListenHost(host)
                .withDevice(Optional.ofNullable(device)).withJoinTimeout(Duration.ofSeconds(joinTimeoutSeconds));
        PrometheusMeterRegistry registry = null;
        MetricsServer server = null;
        List<TrainingMetrics> metrics = new ArrayList<>();
        if (metricsOptions.enabled()) {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            server = new MetricsServer(registry, metricsOptions.host, metricsOptions.port);
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
        }
    }
}
