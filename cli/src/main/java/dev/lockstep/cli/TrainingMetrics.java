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

/**
 * Training metrics in a Micrometer registry, named so the Prometheus registry renders them by Prometheus
 * conventions: {@code lockstep_step_duration_seconds} (histogram), {@code lockstep_steps_total},
 * {@code lockstep_examples_total}, {@code lockstep_loss}, {@code lockstep_data_loss},
 * {@code lockstep_regularization_loss}, {@code lockstep_learning_rate}, {@code lockstep_global_step},
 * {@code lockstep_data_wait_seconds_total}, {@code lockstep_checkpoint_duration_seconds},
 * {@code lockstep_checkpoint_size_bytes}, {@code lockstep_eval_*} (from the first evaluation on), and the JVM's
 * own metrics. The step's time split is {@code lockstep_step_phase_seconds_total{phase=data|compute|allreduce|apply}}
 * (allreduce is 0 in one process); a worker adds the all-reduce's bytes, duration and bus bandwidth
 * ({@code lockstep_allreduce_bytes_total}, {@code lockstep_allreduce_duration_seconds},
 * {@code lockstep_allreduce_bus_bandwidth_bytes_per_second}: bytes / time x 2(N-1)/N).
 */
final class TrainingMetrics implements Listener, AutoCloseable {
    private final Timer stepDuration;
    private final Counter steps;
    private final Counter examples;
    private final Counter dataWait;
    private final Counter corruptSkipped;
    private final Timer checkpointDuration;
    private final DistributionSummary checkpointSize;
    private final Counter phaseData;
    private final Counter phaseCompute;
    private final Counter phaseAllReduce;
    private final Counter phaseApply;
    private final Gauges gauges = new Gauges();
    private final MeterRegistry registry;
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /** Values the gauges read; the registry holds gauges weakly, so this object keeps them alive. */
    private static final class Gauges {
        final AtomicLong globalStep = new AtomicLong();
        final Value loss = new Value();
        final Value dataLoss = new Value();
        final Value regularizationLoss = new Value();
        final Value learningRate = new Value();
        final Value evalLoss = new Value();
        final Value evalAccuracy = new Value();
        final Value busBandwidth = new Value();
    }

    /** A double set in one write, so a concurrent scrape never sees a half-updated (e.g. reset to 0.0) value. */
    private static final class Value {
        private final AtomicLong bits = new AtomicLong(Double.doubleToRawLongBits(Double.NaN));

        void set(double v) {
            bits.set(Double.doubleToRawLongBits(v));
        }

        double get() {
            return Double.longBitsToDouble(bits.get());
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
        phaseData = phase(registry, "data");
        phaseCompute = phase(registry, "compute");
        phaseAllReduce = phase(registry, "allreduce");
        phaseApply = phase(registry, "apply");
        Gauge.builder("lockstep.global.step", gauges.globalStep, AtomicLong::get)
                .description("Optimizer steps applied so far, including restored ones").register(registry);
        gauge(registry, "lockstep.loss", gauges.loss, "Training objective of the last step (data + regularization)");
        gauge(registry, "lockstep.data.loss", gauges.dataLoss, "Data loss of the last step (sum / global batch)");
        gauge(registry, "lockstep.regularization.loss", gauges.regularizationLoss,
                "Regularization loss of the last step, added once");
        gauge(registry, "lockstep.learning.rate", gauges.learningRate, "Learning rate used by the last step");
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        // Not ProcessorMetrics: its process_cpu_time_ns_total and system_cpu_count fail promtool's lint.
    }

    private static Counter phase(MeterRegistry registry, String phase) {
        return Counter.builder("lockstep.step.phase").baseUnit("seconds").tag("phase", phase)
                .description("Time of the training steps by phase: data wait, gradient program, all-reduce, apply")
                .register(registry);
    }

    /** The all-reduce meters of a worker; {@code stats} is read after every step. */
    TrainingMetrics withAllReduce(dev.lockstep.worker.ReduceStats stats) {
        Counter bytes = Counter.builder("lockstep.allreduce").baseUnit("bytes")
                .description("Bytes of step payload all-reduced by this rank").register(registry);
        Timer duration = Timer.builder("lockstep.allreduce.duration")
                .description("Wall time of one step's all-reduce on this rank, waiting for peers included")
                .register(registry);
        // Named with its unit, as README and the dashboard know it (the gauge helper sets no base unit).
        gauge(registry, "lockstep.allreduce.bus.bandwidth.bytes.per.second", gauges.busBandwidth,
                "Bus bandwidth of the last step's all-reduce in bytes per second: bytes / time x 2(N-1)/N");
        this.allReduce = e -> {
            long b = stats.lastBytes();
            double t = stats.lastSeconds();
            bytes.increment(b);
            duration.record(Duration.ofNanos((long) (t * 1e9)));
            int n = stats.worldSize();
            gauges.busBandwidth.set(t > 0 ? b / t * 2.0 * (n - 1) / n : Double.NaN);
        };
        return this;
    }

    private java.util.function.Consumer<StepEvent> allReduce = e -> { };

    private static void gauge(MeterRegistry registry, String name, Value value, String help) {
        Gauge.builder(name, value, Value::get).description(help).register(registry);
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
        phaseData.increment(e.dataWaitSeconds());
        phaseCompute.increment(e.times().compute());
        phaseAllReduce.increment(e.times().reduce());
        phaseApply.increment(e.times().apply());
        allReduce.accept(e);
        gauges.globalStep.set(e.step());
        gauges.learningRate.set(e.learningRate());
        gauges.loss.set(e.metrics().getOrDefault("loss", Double.NaN));
        gauges.dataLoss.set(e.metrics().getOrDefault("data_loss", Double.NaN));
        gauges.regularizationLoss.set(e.metrics().getOrDefault("regularization_loss", Double.NaN));
    }

    @Override
    public void onEvaluation(EvaluationEvent e) {
        // Registered at the first evaluation that has the metric: before it a gauge would read 0.0, a loss
        // no model had (registering again returns the gauge already there).
        evalGauge("loss", gauges.evalLoss, "lockstep.eval.loss", "Loss of the last evaluation", e);
        evalGauge("accuracy", gauges.evalAccuracy, "lockstep.eval.accuracy", "Accuracy of the last evaluation", e);
    }

    private void evalGauge(String metric, Value value, String name, String help, EvaluationEvent e) {
        Double v = e.metrics().get(metric);
        if (v != null) {
            value.set(v);
            gauge(registry, name, value, help);
        }
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
