package dev.lockstep.estimator;

import dev.lockstep.data.DatasetIterator;
import dev.lockstep.device.Buffer;
import dev.lockstep.device.Device;
import dev.lockstep.estimator.checkpoint.CheckpointStore;
import dev.lockstep.nn.Mode;
import dev.lockstep.nn.Module;
import dev.lockstep.nn.Port;
import dev.lockstep.nn.Program;
import dev.lockstep.nn.Role;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Train, evaluate and predict with one model tree on one device, estimator style. Training resumes
 * automatically from the newest valid checkpoint in the model directory, including the data position,
 * so an interrupted run continues exactly (same device, same seed). The loop itself is a
 * {@link TrainingLoop}; a replica of a distributed job is the same estimator built with
 * {@link Builder#replica}.
 */
public final class Estimator implements AutoCloseable {
    /** The Lockstep version written into checkpoint manifests. */
    public static final String VERSION = "0.1.0";

    private final Module model;
    private final ModelFn modelFn;
    private final RunConfig run;
    private final List<Listener> listeners;
    private final TrainingLoop loop;
    private final ModePrograms modePrograms;

    Estimator(Builder b) {
        this.model = b.model;
        this.modelFn = b.modelFn;
        this.run = b.run;
        this.listeners = List.copyOf(b.listeners);
        this.loop = new TrainingLoop(b, new CheckpointStore(run.modelDir(), run.keepCheckpoints()));
        this.modePrograms = new ModePrograms(model, modelFn, run.seed(), loop::device);
    }

    public static Builder builder(Module model, ModelFn modelFn, RunConfig run) {
        return new Builder(model, modelFn, run);
    }

    /** The number of optimizer steps applied so far (restored from the newest checkpoint). */
    public long globalStep() {
        return loop.step();
    }

    public Module model() {
        return model;
    }

    /** Trains {@code steps} more optimizer steps (each of {@code microBatches} batches). */
    public long train(InputFn input, long steps) {
        if (steps <= 0) {
            throw new IllegalArgumentException("train steps must be positive, got " + steps);
        }
        loop.becomeWriter(); // first, so "steps more" counts from the newest checkpoint under the lock
        return trainUntil(input, globalStep() + steps);
    }

    /**
     * Traces the training step for {@code input}'s first batch at the resume position, without training:
     * the step training resumes from and the model fingerprint every replica of a job must share, known
     * before any replica takes part in a reduce.
     */
    public TrainingStart prepareTraining(InputFn input) {
        return loop.prepare(input);
    }

    /** Trains until the global step reaches {@code maxSteps} (nothing to do if it already has). */
    public long trainUntil(InputFn input, long maxSteps) {
        return loop.trainUntil(input, maxSteps);
    }

    /**
     * Evaluates over {@code steps} batches (or the whole input when {@code steps <= 0}) in EVAL mode.
     * Like predict and export, it needs trained weights: with no valid checkpoint and no training it throws
     * {@link dev.lockstep.estimator.checkpoint.NoCheckpointException} unless {@link Builder#allowUntrained},
     * and a checkpoint whose variables do not match the model is a
     * {@link dev.lockstep.estimator.checkpoint.CheckpointMismatchException} listing every path.
     */
    public Map<String, Double> evaluate(InputFn input, long steps) {
        loop.requireTrained();
        Map<Port, Double> totals = new LinkedHashMap<>();
        Map<String, Metric> metrics = Map.of();
        long examples = 0;
        try (DatasetIterator<Batch> it = input.dataset().iterator(); Variables vars = variables()) {
            for (long i = 0; (steps <= 0 || i < steps) && it.hasNext(); i++) {
                Batch batch = it.next();
                examples += batch.size();
                ModePrograms.Compiled c = modePrograms.get(Mode.EVAL, batch);
                metrics = c.metrics();
                modePrograms.run(c, batch, vars::buffer, loop.step(), 0)
                        .forEach((k, v) -> totals.merge(k, v.getDouble(0), Double::sum));
            }
        }
        if (examples == 0) {
            throw new IllegalStateException("the evaluation input produced no batches");
        }
        Map<String, Double> byPath = new LinkedHashMap<>(), lossSum = new LinkedHashMap<>();
        totals.forEach((port, v) -> (port.role() == Role.LOSS_SUM ? lossSum : byPath).put(port.path(), v));
        Map<String, Double> result = new LinkedHashMap<>();
        result.put("loss", lossSum.values().iterator().next() / examples);
        // Loss first, then metrics by name, so reports and logs read the same every time.
        new TreeMap<>(metrics).forEach((name, metric) -> {
            Map<String, Double> sums = new LinkedHashMap<>();
            metric.sums().keySet().forEach(s -> sums.put(s, byPath.get(name + "/" + s)));
            result.put(name, metric.result().apply(sums));
        });
        for (Listener l : listeners) {
            l.onEvaluation(new Listener.EvaluationEvent(loop.step(), result, examples));
        }
        return result;
    }

    /** Predictions for every batch of {@code input}, by prediction name. */
    public List<Map<String, HostTensor>> predict(InputFn input) {
        loop.requireTrained();
        List<Map<String, HostTensor>> out = new ArrayList<>();
        try (DatasetIterator<Batch> it = input.dataset().iterator(); Variables vars = variables()) {
            while (it.hasNext()) {
                Batch batch = it.next();
                Map<String, HostTensor> byName = new LinkedHashMap<>();
                modePrograms.run(modePrograms.get(Mode.PREDICT, batch), batch, vars::buffer, loop.step(), 0)
                        .forEach((port, v) -> byName.put(port.path(), v));
                out.add(byName);
            }
        }
        return out;
    }

    /**
     * The gradients of {@code batch}'s mean data loss by parameter path, at the current variables, as
     * the next training step would compute them (same step and example offset, so the same dropout
     * masks) before the reduce. Nothing changes: no variable, no step, no layer state.
     */
    public BatchGradients gradients(Batch batch) {
        ModePrograms.Compiled c = modePrograms.gradient(batch, loop.config());
        Map<Port, HostTensor> out;
        try (Variables vars = variables()) {
            out = modePrograms.run(c, batch, vars::buffer, loop.step(),
                    loop.replica().exampleOffset(loop.step(), batch.size()));
        }
        int n = batch.size();
        double loss = Double.NaN;
        Map<String, HostTensor> grads = new LinkedHashMap<>();
        for (var e : out.entrySet()) {
            if (e.getKey().role() == Role.LOSS_SUM) {
                loss = e.getValue().getDouble(0) / n;
            } else if (e.getKey().role() == Role.GRADIENT) {
                double[] g = e.getValue().toDoubles();
                for (int i = 0; i < g.length; i++) {
                    g[i] /= n;
                }
                grads.put(e.getKey().path(), HostTensor.fromDoubles(e.getValue().type(), g));
            }
        }
        return new BatchGradients(loss, grads, n);
    }

    /** {@link #gradients(Batch)} of the first batch of {@code input}. */
    public BatchGradients gradients(InputFn input) {
        try (DatasetIterator<Batch> it = input.dataset().iterator()) {
            if (!it.hasNext()) {
                throw new IllegalArgumentException("the input produced no batch to take gradients of");
            }
            return gradients(it.next());
        }
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
            if (stopped()) {
                break; // a stop request: the checkpoint is saved, and evaluating would only delay the exit
            }
            last = evaluate(eval, evalSteps);
        }
        return last;
    }

    /**
     * The PREDICT program for batches of {@code features} and the current weights (parameters and
     * state, no optimizer slots), ready to {@link Export#writeTo write} for serving.
     */
    public Export export(Map<String, TensorType> features) {
        loop.requireTrained();
        Program predict = Programs.trace(model, modelFn, Mode.PREDICT, features, Map.of(), run.seed());
        Map<String, HostTensor> values = loop.hostValues();
        Map<String, HostTensor> weights = new LinkedHashMap<>();
        for (Port p : predict.inputs()) {
            if (p.role() != Role.FEATURE) {
                HostTensor v = values.get(p.path());
                if (v == null) {
                    throw new IllegalStateException("no value for " + p + " to export");
                }
                weights.put(p.name(), v);
            }
        }
        return new Export(predict, weights);
    }

    /**
     * Whether the last training call ended early because the builder's stop request
     * ({@link Builder#stopWhen}) said so; the state at {@link #globalStep()} is then checkpointed.
     */
    public boolean stopped() {
        return loop.stopped();
    }

    /**
     * Every parameter, optimizer slot ({@code slot/...}) and layer-state tensor by key, copied to the
     * host: what a checkpoint of the current step holds. The replicas of a job return bitwise-equal maps.
     */
    public Map<String, HostTensor> values() {
        return loop.hostValues();
    }

    /** Writes a checkpoint of the current state now. */
    public void checkpoint() {
        loop.checkpoint();
    }

    Device device() {
        return loop.device();
    }

    @Override
    public void close() {
        modePrograms.close();
        loop.close();
    }

    /** Where evaluation reads variables: the step runner's live buffers, or values uploaded once per call. */
    private Variables variables() {
        if (loop.runner().isPresent()) {
            return new Variables(loop.runner().get()::buffer, Map.of());
        }
        // Computed at the first lookup, after tracing has built the model's variables.
        Map<String, HostTensor> values = new LinkedHashMap<>();
        Map<String, Buffer> uploaded = new LinkedHashMap<>();
        return new Variables(name -> uploaded.computeIfAbsent(name, n -> {
            if (values.isEmpty()) {
                values.putAll(loop.hostValues());
            }
            HostTensor v = values.get(n);
            if (v == null) {
                throw new IllegalStateException("no value for variable '" + n + "'");
            }
            return device().upload(v);
        }), uploaded);
    }

    private record Variables(Function<String, Buffer> lookup, Map<String, Buffer> owned) implements AutoCloseable {
        Buffer buffer(String name) {
            return lookup.apply(name);
        }

        @Override
        public void close() {
            owned.values().forEach(Buffer::close);
        }
    }
}
