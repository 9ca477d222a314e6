package dev.lockstep.estimator;

import dev.lockstep.nn.GradientTransform;
import dev.lockstep.nn.LearningRate;
import dev.lockstep.nn.Module;
import dev.lockstep.nn.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Builds an {@link Estimator}; defaults: Adam, learning rate 0.001, no gradient transform, one micro-batch. */
public final class Builder {
    final Module model;
    final ModelFn modelFn;
    final RunConfig run;
    Optimizer optimizer = Optimizer.Adam.standard();
    LearningRate learningRate = new LearningRate.Constant(0.001);
    GradientTransform transform = GradientTransform.chain();
    int microBatches = 1;
    dev.lockstep.nn.BatchStatistics batchStatistics = dev.lockstep.nn.BatchStatistics.LOCAL;
    final List<Listener> listeners = new ArrayList<>();
    dev.lockstep.device.Device device;
    GradientReducer reducer = GradientReducer.IDENTITY;
    Replica replica = Replica.SINGLE;
    dev.lockstep.data.BatchShare share;
    Elastic elastic;
    java.util.function.LongSupplier nanoClock = System::nanoTime;
    CheckpointPolicy checkpointPolicy;
    java.util.function.BooleanSupplier stopRequested = () -> false;
    boolean allowUntrained;

    Builder(Module model, ModelFn modelFn, RunConfig run) {
        this.model = Objects.requireNonNull(model, "model");
        this.modelFn = Objects.requireNonNull(modelFn, "modelFn");
        this.run = Objects.requireNonNull(run, "run");
    }

    public Builder optimizer(Optimizer o) {
        this.optimizer = Objects.requireNonNull(o, "optimizer");
        return this;
    }

    public Builder learningRate(LearningRate lr) {
        this.learningRate = Objects.requireNonNull(lr, "learningRate");
        return this;
    }

    public Builder gradientTransform(GradientTransform t) {
        this.transform = Objects.requireNonNull(t, "gradientTransform");
        return this;
    }

    /** Accumulates gradients over {@code k} batches per optimizer step (same update as one k-times larger batch). */
    public Builder microBatches(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("microBatches must be >= 1, got " + k);
        }
        this.microBatches = k;
        return this;
    }

    /**
     * Where batch-norm layers take their batch statistics from on several replicas: each replica's
     * slice ({@code LOCAL}, the default) or the whole global batch ({@code SYNC}, summed across replicas
     * inside the step through the reducer's {@link GradientReducer#replicas()}).
     */
    public Builder batchStatistics(dev.lockstep.nn.BatchStatistics policy) {
        this.batchStatistics = Objects.requireNonNull(policy, "batchStatistics");
        return this;
    }

    public Builder listener(Listener l) {
        listeners.add(Objects.requireNonNull(l, "listener"));
        return this;
    }

    /** Uses this device instead of opening {@code RunConfig.device()} by name; the estimator does not close it. */
    public Builder device(dev.lockstep.device.Device d) {
        this.device = Objects.requireNonNull(d, "device");
        return this;
    }

    /**
     * Runs as replica {@code rank} of {@code worldSize}, summing each step's payload with {@code reducer}
     * (step 3 of DESIGN.md). The input function must yield this replica's slice of every global batch;
     * only rank 0 writes checkpoints.
     */
    public Builder replica(Replica r, GradientReducer reducer) {
        this.replica = Objects.requireNonNull(r, "replica");
        this.reducer = Objects.requireNonNull(reducer, "reducer");
        return this;
    }

    /**
     * How the global batch is shared among the replicas, when the world size may not divide it: each
     * element of the training input is then this replica's run of pieces of one global batch, trained as
     * one micro-batch per piece. Without it every element is one even slice.
     */
    public Builder share(dev.lockstep.data.BatchShare s) {
        this.share = Objects.requireNonNull(s, "share");
        return this;
    }

    /** Keeps training through changes of the world (see {@link Elastic}); the input must follow the placement. */
    public Builder elastic(Elastic e) {
        this.elastic = Objects.requireNonNull(e, "elastic");
        return this;
    }

    /** The clock for step timings and the time-based checkpoint cadence, in nanoseconds (default System::nanoTime). */
    public Builder nanoClock(java.util.function.LongSupplier clock) {
        this.nanoClock = Objects.requireNonNull(clock, "nanoClock");
        return this;
    }

    /** When to checkpoint (default: {@link CheckpointPolicy#of} the run config's cadence). */
    public Builder checkpointPolicy(CheckpointPolicy p) {
        this.checkpointPolicy = Objects.requireNonNull(p, "checkpointPolicy");
        return this;
    }

    /**
     * Asked between training steps (never during one): once it returns true, training finishes the step
     * under way, saves a checkpoint and returns, and {@link Estimator#stopped()} tells so. The CLI turns
     * SIGTERM and Ctrl-C into this; the estimator itself handles no signals.
     */
    public Builder stopWhen(java.util.function.BooleanSupplier requested) {
        this.stopRequested = Objects.requireNonNull(requested, "stopWhen");
        return this;
    }

    /**
     * Lets evaluate, predict and export run on freshly initialised weights when the model directory has
     * no valid checkpoint and nothing was trained (default false: they throw
     * {@link dev.lockstep.estimator.checkpoint.NoCheckpointException}, since random weights give a
     * plausible-looking but meaningless answer).
     */
    public Builder allowUntrained(boolean allow) {
        this.allowUntrained = allow;
        return this;
    }

    public Estimator build() {
        return new Estimator(this);
    }
}
