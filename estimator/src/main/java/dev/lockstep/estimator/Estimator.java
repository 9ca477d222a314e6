package dev.lockstep.estimator;

import dev.lockstep.data.Cursor;
import dev.lockstep.data.DataMetrics;
import dev.lockstep.data.DatasetIterator;
import dev.lockstep.device.Buffer;
import dev.lockstep.device.Device;
import dev.lockstep.device.Devices;
import dev.lockstep.estimator.checkpoint.Checkpoint;
import dev.lockstep.estimator.checkpoint.CheckpointStore;
import dev.lockstep.estimator.checkpoint.Manifest;
import dev.lockstep.nn.GradientTransform;
import dev.lockstep.nn.LearningRate;
import dev.lockstep.nn.Mode;
import dev.lockstep.nn.Module;
import dev.lockstep.nn.Optimizer;
import dev.lockstep.nn.Program;
import dev.lockstep.nn.TrainStep;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Train, evaluate and predict with one model tree on one device, estimator style. Training resumes
 * automatically from the newest valid checkpoint in the model directory, including the data position,
 * so an interrupted run continues exactly (same device, same seed).
 */
public final class Estimator implements AutoCloseable {
    /** The Lockstep version written into checkpoint manifests. */
    public static final String VERSION = "0.1.0";

    private final Module model;
    private final ModelFn modelFn;
    private final RunConfig run;
    private final Optimizer optimizer;
    private final LearningRate learningRate;
    private final GradientTransform transform;
    private final int microBatches;
    private final List<Listener> listeners;
    private final CheckpointStore store;
    private Device device;
    private final boolean ownsDevice;
    private final ModePrograms modePrograms;
    private StepRunner runner;
    private Program gradient;
    private long step;
    private Cursor trainCursor;
    private boolean restored;
    /** A restored checkpoint waiting for the first trace to know the model's variables. */
    private Checkpoint pending;

    Estimator(Builder b) {
        this.model = b.model;
        this.modelFn = b.modelFn;
        this.run = b.run;
        this.optimizer = b.optimizer;
        this.learningRate = b.learningRate;
        this.transform = b.transform;
        this.microBatches = b.microBatches;
        this.listeners = List.copyOf(b.listeners);
        this.store = new CheckpointStore(run.modelDir(), run.keepCheckpoints());
        this.device = b.device;
        this.ownsDevice = b.device == null;
        this.modePrograms = new ModePrograms(model, modelFn, run.seed(), this::device);
    }

    public static Builder builder(Module model, ModelFn modelFn, RunConfig run) {
        return new Builder(model, modelFn, run);
    }

    /** The number of optimizer steps applied so far (restored from the newest checkpoint). */
    public long globalStep() {
        restoreIfNeeded();
        return step;
    }

    public Module model() {
        return model;
    }

    /** Trains {@code steps} more optimizer steps (each of {@code microBatches} batches). */
    public long train(InputFn input, long steps) {
        if (steps <= 0) {
            throw new IllegalArgumentException("train steps must be positive, got " + steps);
        }
        return trainUntil(input, globalStep() + steps);
    }

    /** Trains until the global step reaches {@code maxSteps} (nothing to do if it already has). */
    public long trainUntil(InputFn input, long maxSteps) {
        restoreIfNeeded();
        if (step >= maxSteps) {
            return step;
        }
        long lastCheckpointStep = step;
        long lastCheckpointNanos = System.nanoTime();
        try (DatasetIterator<Batch> it = input.dataset().iterator(trainCursor)) {
            long skippedBefore = 0;
            while (step < maxSteps) {
                long t0 = System.nanoTime();
                List<Map<String, HostTensor>> micro = new ArrayList<>(microBatches);
                long examples = 0;
                for (int m = 0; m < microBatches; m++) {
                    if (!it.hasNext()) {
                        throw new IllegalStateException("the training input ended at step " + step + " (needed "
                                + maxSteps + "); repeat the dataset or train fewer steps");
                    }
                    Batch batch = it.next();
                    examples += batch.size();
                    micro.add(batch.programInputs());
                }
                double waited = (System.nanoTime() - t0) / 1e9;
                ensureRunner(micro.getFirst());
                double lr = learningRate.at(step);
                Map<String, Double> metrics = runner.step(micro, step, step * examples, lr);
                step++;
                trainCursor = it.cursor();
                double seconds = (System.nanoTime() - t0) / 1e9;
                DataMetrics pipeline = it.metrics();
                long skipped = pipeline.corruptRecordsSkipped() - skippedBefore;
                skippedBefore = pipeline.corruptRecordsSkipped();
                for (Listener l : listeners) {
                    l.onStep(new Listener.StepEvent(step, metrics, examples, seconds, waited, lr, skipped,
                            skipped > 0 ? pipeline.lastCorruption() : null));
                }
                boolean bySteps = run.checkpointEverySteps() > 0 && step - lastCheckpointStep >= run.checkpointEverySteps();
                boolean byTime = !run.checkpointEvery().isZero()
                        && System.nanoTime() - lastCheckpointNanos >= run.checkpointEvery().toNanos();
                if (bySteps || byTime) {
                    checkpoint();
                    lastCheckpointStep = step;
                    lastCheckpointNanos = System.nanoTime();
                }
            }
        }
        if (lastCheckpointStep != step) {
            checkpoint();
        }
        return step;
    }

    /** Evaluates over {@code steps} batches (or the whole input when {@code steps <= 0}) in EVAL mode. */
    public Map<String, Double> evaluate(InputFn input, long steps) {
        restoreIfNeeded();
        Map<String, Double> totals = new LinkedHashMap<>();
        Map<String, Metric> metrics = Map.of();
        long examples = 0;
        try (DatasetIterator<Batch> it = input.dataset().iterator(); Variables vars = variables()) {
            for (long i = 0; (steps <= 0 || i < steps) && it.hasNext(); i++) {
                Batch batch = it.next();
                examples += batch.size();
                ModePrograms.Compiled c = modePrograms.get(Mode.EVAL, batch);
                metrics = c.metrics();
                modePrograms.run(c, batch, vars::buffer, step)
                        .forEach((k, v) -> totals.merge(k, v.getDouble(0), Double::sum));
            }
        }
        if (examples == 0) {
            throw new IllegalStateException("the evaluation input produced no batches");
        }
        Map<String, Double> result = new LinkedHashMap<>();
        result.put("loss", totals.get(TrainStep.LOSS_SUM) / examples);
        // Loss first, then metrics by name, so reports and logs read the same every time.
        new java.util.TreeMap<>(metrics).forEach((name, metric) -> {
            Map<String, Double> sums = new LinkedHashMap<>();
            metric.sums().keySet().forEach(s -> sums.put(s, totals.get("metric/" + name + "/" + s)));
            result.put(name, metric.result().apply(sums));
        });
        for (Listener l : listeners) {
            l.onEvaluation(new Listener.EvaluationEvent(step, result, examples));
        }
        return result;
    }

    /** Predictions for every batch of {@code input}, by prediction name. */
    public List<Map<String, HostTensor>> predict(InputFn input) {
        restoreIfNeeded();
        List<Map<String, HostTensor>> out = new ArrayList<>();
        try (DatasetIterator<Batch> it = input.dataset().iterator(); Variables vars = variables()) {
            while (it.hasNext()) {
                Batch batch = it.next();
                Map<String, HostTensor> byName = new LinkedHashMap<>();
                modePrograms.run(modePrograms.get(Mode.PREDICT, batch), batch, vars::buffer, step)
                        .forEach((k, v) -> byName.put(k.substring("prediction/".length()), v));
                out.add(byName);
            }
        }
        return out;
    }

    /** Alternates training {@code evalEverySteps} steps and evaluating, until {@code maxSteps}. */
    public Map<String, Double> trainAndEvaluate(InputFn train, long maxSteps, InputFn eval, long evalSteps,
                                                long evalEverySteps) {
        if (evalEverySteps <= 0) {
            throw new IllegalArgumentException("evalEverySteps must be positive, got " + evalEverySteps);
        }
        Map<String, Double> last = Map.of();
        while (globalStep() < maxSteps) {
            trainUntil(train, Math.min(maxSteps, globalStep() + evalEverySteps));
            last = evaluate(eval, evalSteps);
        }
        return last;
    }

    /**
     * The PREDICT program for batches of {@code features} and the current weights (parameters and
     * state, no optimizer slots), ready to {@link Export#writeTo write} for serving.
     */
    public Export export(Map<String, TensorType> features) {
        restoreIfNeeded();
        Program predict = Programs.trace(model, modelFn, Mode.PREDICT, features, Map.of(), run.seed());
        Map<String, HostTensor> values = runner != null ? runner.values()
                : Programs.initialValues(model, optimizer, run.seed());
        if (runner == null && pending != null) {
            values.putAll(pending.tensors());
        }
        Map<String, HostTensor> weights = new LinkedHashMap<>();
        for (String name : predict.inputNames()) {
            if (!name.startsWith("features/")) {
                HostTensor v = values.get(name);
                if (v == null) {
                    throw new IllegalStateException("no value for '" + name + "' to export");
                }
                weights.put(name, v);
            }
        }
        return new Export(predict, weights);
    }

    /** Writes a checkpoint of the current state now. */
    public void checkpoint() {
        if (runner == null) {
            return;
        }
        long t0 = System.nanoTime();
        Manifest m = Manifest.of(step, run.seed(), Fingerprint.of(gradient.graph()), 1, VERSION)
                .withDataCursors(trainCursor == null ? Map.of() : Map.of("train", trainCursor.toMap()));
        try {
            Manifest saved = store.save(Checkpoint.of(m, runner.values()));
            long bytes = saved.files().stream().mapToLong(Manifest.DataFile::bytes).sum();
            for (Listener l : listeners) {
                l.onCheckpoint(new Listener.CheckpointEvent(step, store.directory(step), bytes,
                        (System.nanoTime() - t0) / 1e9));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing the checkpoint of step " + step + " to " + run.modelDir(), e);
        }
    }

    private void restoreIfNeeded() {
        if (restored) {
            return;
        }
        restored = true;
        try {
            Optional<Checkpoint> latest = store.latestValid();
            if (latest.isPresent()) {
                step = latest.get().manifest().step();
                Object cursor = latest.get().manifest().dataCursors().get("train");
                if (cursor instanceof Map<?, ?> c) {
                    @SuppressWarnings("unchecked")
                    Map<String, ?> map = (Map<String, ?>) c;
                    trainCursor = Cursor.fromMap(map);
                }
                pending = latest.get();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading checkpoints in " + run.modelDir(), e);
        }
    }

    private void ensureRunner(Map<String, HostTensor> firstBatch) {
        if (runner != null) {
            return;
        }
        Map<String, TensorType> features = new LinkedHashMap<>(), labels = new LinkedHashMap<>();
        firstBatch.forEach((k, v) -> {
            if (k.startsWith("features/")) {
                features.put(k.substring("features/".length()), v.type());
            } else {
                labels.put(k.substring("labels/".length()), v.type());
            }
        });
        var config = new TrainStep.Config(optimizer, transform, java.util.Set.of(), false, run.seed());
        TrainStep.LossFn loss = (scope, f, l) -> {
            ModelOutput out = modelFn.apply(scope, f, l, Mode.TRAIN);
            if (out.perExampleLoss() == null) {
                throw new IllegalArgumentException("the model function returned no loss in TRAIN mode");
            }
            return out.perExampleLoss();
        };
        gradient = TrainStep.gradientProgram(model, loss, features, labels, config);
        Program apply = TrainStep.applyProgram(model, config);
        Map<String, HostTensor> values = Programs.initialValues(model, optimizer, run.seed());
        if (pending != null) {
            pending.requireTypes(Programs.types(values));
            values.putAll(pending.tensors());
            pending = null;
        }
        runner = new StepRunner(device(), gradient, apply, values);
    }

    Device device() {
        if (device == null) {
            device = Devices.open(run.device());
        }
        return device;
    }

    @Override
    public void close() {
        modePrograms.close();
        if (runner != null) {
            runner.close();
        }
        if (device != null && ownsDevice) {
            device.close();
        }
    }

    /** Where evaluation reads variables: the step runner's live buffers, or values uploaded once per call. */
    private Variables variables() {
        if (runner != null) {
            return new Variables(runner::buffer, Map.of());
        }
        // Computed at the first lookup, after tracing has built the model's variables.
        Map<String, HostTensor> values = new LinkedHashMap<>();
        Map<String, Buffer> uploaded = new LinkedHashMap<>();
        return new Variables(name -> uploaded.computeIfAbsent(name, n -> {
            if (values.isEmpty()) {
                values.putAll(Programs.initialValues(model, optimizer, run.seed()));
                if (pending != null) {
                    values.putAll(pending.tensors());
                }
            }
            HostTensor v = values.get(n);
            if (v == null) {
                throw new IllegalStateException("no value for variable '" + n + "'");
            }
            return device().upload(v);
        }), uploaded);
    }

    private record Variables(java.util.function.Function<String, Buffer> lookup, Map<String, Buffer> owned)
            implements AutoCloseable {
        Buffer buffer(String name) {
            return lookup.apply(name);
        }

        @Override
        public void close() {
            owned.values().forEach(Buffer::close);
        }
    }
}
