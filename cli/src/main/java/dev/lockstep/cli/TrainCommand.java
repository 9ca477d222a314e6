package dev.lockstep.cli;

import dev.lockstep.estimator.Estimator;
import dev.lockstep.estimator.Listener;
import dev.lockstep.estimator.job.Job;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lockstep train JOB.yaml}: trains (resuming from the newest valid checkpoint), evaluating as the spec says. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the job's model, resuming from the newest valid checkpoint in its model directory.")
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JobOptions options;

    @Mixin
    MetricsOptions metricsOptions;

    @Override
    public Integer call() throws Exception {
        metricsOptions.check();
        Job job = options.load();
        PrintWriter out = spec.commandLine().getOut();
        List<Listener> listeners = new ArrayList<>();
        listeners.add(new ProgressReporter(out, System.console() != null, job.trainSteps(), job.run().logEverySteps()));
        PrometheusMeterRegistry registry = null;
        TrainingMetrics metrics = null;
        MetricsServer server = null;
        if (metricsOptions.enabled()) {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            // The server first: if its port is taken, nothing else has been started that needs closing.
            server = new MetricsServer(registry, metricsOptions.host, metricsOptions.port);
            metrics = new TrainingMetrics(registry);
            listeners.add(metrics);
            out.printf(Locale.ROOT, "metrics at http://%s:%d/metrics%n", metricsOptions.host, server.port());
        }
        dev.lockstep.estimator.Builder builder = job.builder();
        listeners.forEach(builder::listener);
        try (GracefulStop stop = GracefulStop.install(spec.commandLine().getErr());
             Estimator e = builder.stopWhen(stop).build()) {
            long start = e.globalStep();
            if (start > 0) {
                out.printf(Locale.ROOT, "resuming from step %d in %s%n", start, job.run().modelDir());
            }
            Map<String, Double> eval = job.run(e);
            if (e.stopped()) {
                return StopReport.print(spec.commandLine().getErr(), stop, e.globalStep(), job.run().modelDir());
            }
            out.printf(Locale.ROOT, "trained to step %d; checkpoints in %s%n", e.globalStep(), job.run().modelDir());
            eval.forEach((k, v) -> out.printf(Locale.ROOT, "  %s = %.6f%n", k, v));
        } finally {
            if (server != null) {
                server.close();
            }
            if (metrics != null) {
                metrics.close();
            }
        }
        return Lockstep.OK;
    }
}
