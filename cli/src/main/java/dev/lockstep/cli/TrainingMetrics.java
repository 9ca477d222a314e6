package dev.lockstep.cli;

import dev.lockstep.estimator.Listener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * Training metrics in a Micrometer registry, named so the Prometheus registry renders them by Prometheus
 * conventions: {@code lockstep_step_duration_seconds} (histogram), {@code lockstep_steps_total},
 * {@code lockstep_examples_total}, {@code lockstep_loss}, {@code lockstep_data_loss},
 * {@code lockstep_regularization_loss}, {@code lockstep_learning_rate}, {@code lockstep_global_step},
 * {@code lockstep_data_wait_seconds_total}, {@code lockstep_checkpoint_duration_seconds},
 * {@code lockstep_checkpoint_size_bytes}, {@code lockstep_eval_*}, and the JVM's own metrics.
 */
final class TrainingMetrics implements Listener, AutoCloseable {
    private final Timer stepDuration;
    private final Counter steps;
    private final Counter examples;
    private final Counter dataWait;
    private final Counter corruptSkipped;
    private final Timer checkpointDuration;
    private final DistributionSummary checkpointSize;
    private final Gauges gauges = new Gauges();
    private final MeterRegistry registry;
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /** Values the gauges read; the registry holds gauges weakly, so this object keeps them alive. */
    private static final class Gauges {
        final AtomicLong globalStep = new AtomicLong();
        final DoubleAdder loss = new DoubleAdder();
        final DoubleAdder dataLoss = new DoubleAdder();
        final DoubleAdder regularizationLoss = new DoubleAdder();
        final DoubleAdder learningRate = new DoubleAdder();
        final DoubleAdder evalLoss = new DoubleAdder();
        final DoubleAdder evalAccuracy = new DoubleAdder();

        static void set(DoubleAdder a, double v) {
            a.reset();
            a.add(v);
        }
    }

    TrainingMetrics(MeterRegistry registry) {
        this.registry = registry;
        stepDuration = Timer.builder("lockstep.step.duration").description("Wall time of one optimizer step")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
        steps = Counter.builder("lockstep.steps").description("Optimizer steps applied").register(registry);
        examples = Counter.builder("lockstep.examples").description("Training examples consumed").register(registry);
        dataWait = Counter.builder("lockstep.data.wait").baseUnit("seconds")
                .description("Time the training loop waited for input data").register(registry);
        corruptSkipped = Counter.builder("lockstep.data.corrupt.records.skipped")
                .description("Corrupt input records skipped (sources that allow skipping, e.g. tfrecord skip_corrupt)")
                .register(registry);
        checkpointDuration = Timer.builder("lockstep.checkpoint.duration").description("Time to write a checkpoint")
                .register(registry);
        checkpointSize = DistributionSummary.builder("lockstep.checkpoint.size").baseUnit("bytes")
                .description("Bytes written per checkpoint").register(registry);
        Gauge.builder("lockstep.global.step", gauges.globalStep, AtomicLong::get)
                .description("Optimizer steps applied so far, including restored ones").register(registry);
        gauge(registry, "lockstep.loss", gauges.loss, "Training objective of the last step (data + regularization)");
        gauge(registry, "lockstep.data.loss", gauges.dataLoss, "Data loss of the last step (sum / global batch)");
        gauge(registry, "lockstep.regularization.loss", gauges.regularizationLoss,
                "Regularization loss of the last step, added once");
        gauge(registry, "lockstep.learning.rate", gauges.learningRate, "Learning rate used by the last step");
        gauge(registry, "lockstep.eval.loss", gauges.evalLoss, "Loss of the last evaluation");
        gauge(registry, "lockstep.eval.accuracy", gauges.evalAccuracy, "Accuracy of the last evaluation, if any");
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        // Not ProcessorMetrics: its process_cpu_time_ns_total and system_cpu_count fail promtool's lint.
    }

    private static void gauge(MeterRegistry registry, String name, DoubleAdder value, String help) {
        Gauge.builder(name, value, DoubleAdder::sum).description(help).register(registry);
    }

    MeterRegistry registry() {
        return registry;
    }

    @Override
    public void onStep(StepEvent e) {
        stepDuration.record(Duration.ofNanos((long) (e.stepSeconds() * 1e9)));
        steps.increment();
        examples.increment(e.examples());
        dataWait.increment(e.dataWaitSeconds());
        corruptSkipped.increment(e.corruptRecordsSkipped());
        gauges.globalStep.set(e.step());
        Gauges.set(gauges.learningRate, e.learningRate());
        Gauges.set(gauges.loss, e.metrics().getOrDefault("loss", Double.NaN));
        Gauges.set(gauges.dataLoss, e.metrics().getOrDefault("data_loss", Double.NaN));
        Gauges.set(gauges.regularizationLoss, e.metrics().getOrDefault("regularization_loss", Double.NaN));
    }

    @Override
    public void onEvaluation(EvaluationEvent e) {
        Gauges.set(gauges.evalLoss, e.metrics().getOrDefault("loss", Double.NaN));
        Gauges.set(gauges.evalAccuracy, e.metrics().getOrDefault("accuracy", Double.NaN));
    }

    @Override
    public void onCheckpoint(CheckpointEvent e) {
        checkpointDuration.record(Duration.ofNanos((long) (e.seconds() * 1e9)));
        checkpointSize.record(e.bytes());
    }

    @Override
    public void close() {
        gc.close();
    }
}
