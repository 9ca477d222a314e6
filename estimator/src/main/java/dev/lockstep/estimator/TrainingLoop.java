package dev.lockstep.estimator;

import dev.lockstep.data.BatchShare;
import dev.lockstep.data.Cursor;
import dev.lockstep.data.DataMetrics;
import dev.lockstep.data.DatasetIterator;
import dev.lockstep.device.Device;
import dev.lockstep.device.Devices;
import dev.lockstep.estimator.checkpoint.Checkpoint;
import dev.lockstep.estimator.checkpoint.CheckpointStore;
import dev.lockstep.estimator.checkpoint.Manifest;
import dev.lockstep.estimator.checkpoint.NoCheckpointException;
import dev.lockstep.nn.InitialValues;
import dev.lockstep.nn.LearningRate;
import dev.lockstep.nn.Module;
import dev.lockstep.nn.StepLayout;
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
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The training loop of one replica: reads micro-batches, runs the step (gradient program, reduce,
 * apply) through a {@link StepRunner}, reports to listeners and checkpoints by a
 * {@link CheckpointPolicy}. Everything that differs between one process and a replica of a
 * distributed job is a parameter: the {@link GradientReducer}, the {@link Replica} (rank, world
 * size: the global example offset, the manifest's world size, whether this rank writes
 * checkpoints) and the clock. The checkpoint to resume is read once, when the loop is made: the step
 * and data cursor at once, its tensors when the first batch has traced the model's variables, after
 * the types and the graph fingerprint are checked. The loop owns the device unless one was given.
 * Training makes the chief the model directory's one writer (its lock, taken before the first step,
 * after proving the directory writable); a stop request is honoured between steps, with a checkpoint.
 */
final class TrainingLoop implements AutoCloseable {
    private final Module model;
    private final ModelFn modelFn;
    private final TrainStep.Config config;
    private final LearningRate learningRate;
    private final int microBatches;
    private final List<Listener> listeners;
    private final CheckpointStore store;
    private final GradientReducer reducer;
    /** This replica's place: changes when an elastic job's world changes. */
    private Replica replica;
    /** How the global batch is shared; null: one even slice per replica, the input's batch size. */
    private BatchShare share;
    private final Elastic elastic;
    /** The training state the next runner starts from after a change of world (the chief's wins). */
    private TrainingState carried;
    private final LongSupplier nanoClock;
    private final CheckpointPolicy policy;
    private final String deviceName;
    private final dev.lockstep.device.DeviceOptions deviceOptions;
    private final boolean ownsDevice;
    private final BooleanSupplier stopRequested;
    private final boolean allowUntrained;
    private Checkpoint resume;
    /** The committed steps seen when {@link #resume} was read, to notice a save by another writer. */
    private List<Long> stepsAtResume;
    private boolean stopped;
    private long trainEpoch;
    private Device device;
    private StepRunner runner;
    /** The training step traced by {@link #prepare} before the first step, for {@link #startRunner}. */
    private StepLayout prepared;
    private long step;
    private Cursor trainCursor;

    TrainingLoop(Builder b, CheckpointStore store) {
        this.model = b.model;
        this.modelFn = b.modelFn;
        this.config = Programs.config(b.optimizer, b.transform, b.run.seed(), b.batchStatistics);
        this.learningRate = b.learningRate;
        this.microBatches = b.microBatches;
        this.listeners = List.copyOf(b.listeners);
        this.store = store;
        this.reducer = b.reducer;
        this.replica = b.replica;
        this.share = b.share;
        this.elastic = b.elastic;
        this.nanoClock = b.nanoClock;
        this.policy = b.checkpointPolicy != null ? b.checkpointPolicy : CheckpointPolicy.of(b.run);
        this.deviceName = b.run.device();
        this.deviceOptions = b.run.deviceOptions();
        this.device = b.device;
        this.ownsDevice = b.device == null;
        this.stopRequested = b.stopRequested;
        this.allowUntrained = b.allowUntrained;
        readResume();
    }

    private void readResume() {
        try {
            stepsAtResume = store.steps();
            Optional<Checkpoint> latest = store.latestValid();
            this.resume = latest.orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException("reading checkpoints in " + store.modelDir(), e);
        }
        step = 0;
        trainCursor = null;
        trainEpoch = 0;
        if (resume != null) {
            step = resume.manifest().step();
            trainEpoch = resume.manifest().epoch();
            if (resume.manifest().dataCursors().get("train") instanceof Map<?, ?> c) {
                @SuppressWarnings("unchecked")
                Map<String, ?> map = (Map<String, ?>) c;
                trainCursor = Cursor.fromMap(map);
            }
        }
    }

    /** Whether the last {@link #trainUntil} ended early on a stop request. */
    boolean stopped() {
        return stopped;
    }

    /**
     * Takes the model directory's writer lock on the chief, before the first step, so an unwritable
     * or already-locked directory fails now rather than at the first save.
     */
    void becomeWriter() {
        if (!replica.chief() || store.isWriter()) {
            return;
        }
        try {
            store.lockForWriting();
            // Another writer may have saved between reading the resume point and taking the lock (a
            // replica that became the chief after a change of world holds its training state in memory).
            if (runner == null && carried == null && !store.steps().equals(stepsAtResume)) {
                if (prepared != null) {
                    // The replicas agreed on the resume point prepare() reported; a silent re-read here would
                    // train this replica from another step and data position than its peers.
                    throw new IllegalStateException("another writer saved checkpoints in " + store.modelDir()
                            + " (now " + store.steps() + ", " + stepsAtResume + " when this replica read its resume "
                            + "point) after the replicas agreed to start from step " + step
                            + "; one writer per model directory");
                }
                readResume();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("taking the writer lock of " + store.modelDir(), e);
        }
    }

    /**
     * Fails with {@link NoCheckpointException} (naming the directory) when there is nothing trained to
     * read, no valid checkpoint and no training in this estimator, unless untrained weights were allowed.
     */
    void requireTrained() {
        if (runner != null || resume != null || allowUntrained) {
            return;
        }
        List<Long> committed;
        try {
            committed = store.steps();
        } catch (IOException e) {
            committed = List.of();
        }
        throw new NoCheckpointException(store.modelDir(), committed);
    }

    long step() {
        return step;
    }

    TrainStep.Config config() {
        return config;
    }

    Replica replica() {
        return replica;
    }

    /** Trains until the global step reaches {@code maxSteps}; saves at the end if the last step is unsaved. */
    long trainUntil(InputFn input, long maxSteps) {
        stopped = false;
        becomeWriter();
        if (step >= maxSteps) {
            return step;
        }
        long lastSavedStep = step;
        long lastSavedNanos = nanoClock.getAsLong();
        DatasetIterator<Batch> it = null;
        try {
            long skippedBefore = 0;
            while (step < maxSteps) {
                if (stopRequested.getAsBoolean()) {
                    stopped = true; // the step before this one is complete; the save below keeps it
                    break;
                }
                if (it == null) {
                    // The input is read again after a change of world: it slices for the current placement.
                    it = input.dataset().iterator(trainCursor);
                    skippedBefore = it.metrics().corruptRecordsSkipped();
                }
                long t0 = nanoClock.getAsLong();
                StepBatches batches = StepBatches.read(it, step, microBatches, replica, share);
                double waited = (nanoClock.getAsLong() - t0) / 1e9;
                if (runner == null && !startRunner(batches.micro().getFirst())) {
                    it.close(); // the chief's step or data position is not this replica's: read from there
                    it = null;
                    continue;
                }
                double lr = learningRate.at(step);
                Map<String, Double> metrics;
                try {
                    metrics = runner.step(batches.programInputs(), step, batches.offsets(), lr);
                } catch (RuntimeException e) {
                    if (elastic == null || !elastic.worldChanging(e)) {
                        throw e;
                    }
                    it.close();
                    it = null;
                    rejoin(e);
                    continue; // the same step again, on the same global batch, in the new world
                }
                step++;
                trainCursor = it.cursor();
                trainEpoch = it.epoch();
                double seconds = (nanoClock.getAsLong() - t0) / 1e9;
                DataMetrics pipeline = it.metrics();
                long skipped = pipeline.corruptRecordsSkipped() - skippedBefore;
                skippedBefore = pipeline.corruptRecordsSkipped();
                for (Listener l : listeners) {
                    l.onStep(new Listener.StepEvent(step, metrics, batches.examples(), seconds, waited, lr, skipped,
                            skipped > 0 ? pipeline.lastCorruption() : null, runner.lastTimes(), trainCursor));
                }
                if (policy.due(step, lastSavedStep, nanoClock.getAsLong() - lastSavedNanos)) {
                    checkpoint();
                    lastSavedStep = step;
                    lastSavedNanos = nanoClock.getAsLong();
                }
            }
        } finally {
            if (it != null) {
                it.close();
            }
        }
        if (lastSavedStep != step) {
            checkpoint();
        }
        return step;
    }

    /**
     * The world changed during a step, which applied nothing: waits for this replica's place in the new
     * world and keeps its training state for the new world's runner, which starts from the new chief's.
     */
    private void rejoin(RuntimeException failure) {
        TrainingState mine = new TrainingState(runner.values(), step, trainCursor, trainEpoch);
        runner.close();
        runner = null;
        prepared = null;
        Elastic.Placement p = elastic.rejoin(step, failure);
        replica = p.replica();
        share = p.share();
        carried = mine;
        becomeWriter();
    }

    /** Writes a checkpoint of the current state now (on the chief; other ranks hold the same values). */
    void checkpoint() {
        if (runner == null || !replica.chief()) {
            return;
        }
        long t0 = nanoClock.getAsLong();
        Manifest m = Manifest.of(step, config.seed(), Fingerprint.of(runner.layout().gradient().graph()),
                        replica.worldSize(), Estimator.VERSION)
                .withEpoch(trainEpoch)
                .withInputSignature(GraphCheck.signature(runner.layout().gradient()))
                .withDataCursors(trainCursor == null ? Map.of() : Map.of("train", trainCursor.toMap()));
        try {
            Manifest saved = store.save(Checkpoint.of(m, runner.values()));
            long bytes = saved.files().stream().mapToLong(Manifest.DataFile::bytes).sum();
            for (Listener l : listeners) {
                l.onCheckpoint(new Listener.CheckpointEvent(step, store.directory(step), bytes,
                        (nanoClock.getAsLong() - t0) / 1e9));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing the checkpoint of step " + step + " to " + store.modelDir(), e);
        }
    }

    /**
     * Every variable and slot on the host: the runner's, or before the first step the initial values
     * with the checkpoint's tensors over them. The model must have been traced.
     */
    Map<String, HostTensor> hostValues() {
        if (runner != null) {
            return runner.values();
        }
        if (carried != null) {
            return carried.values();
        }
        Map<String, HostTensor> values = new LinkedHashMap<>(InitialValues.of(model, config));
        if (resume != null) {
            // Readers need no optimizer slots, so only the model's variables must match (a renamed layer
            // would otherwise stay at its random initial values).
            Map<String, TensorType> expected = new TreeMap<>(InitialValues.types(model, config));
            expected.keySet().removeIf(p -> p.startsWith(Checkpoint.SLOT_PREFIX));
            resume.withoutSlots().requireTypes(expected, store.directory(resume.manifest().step()));
            values.putAll(resume.tensors());
        }
        return values;
    }

    /** The runner's live buffers, once training has started. */
    Optional<StepRunner> runner() {
        return Optional.ofNullable(runner);
    }

    /**
     * Traces the training step with the first batch {@code input} gives at the resume position, without
     * training (the data is read again by the first step). Returns the step training resumes from and
     * the gradient program's fingerprint, which every replica of a job must share.
     */
    TrainingStart prepare(InputFn input) {
        if (runner == null && prepared == null) {
            try (DatasetIterator<Batch> it = input.dataset().iterator(trainCursor)) {
                if (!it.hasNext()) {
                    throw new IllegalStateException("the training input of rank " + replica.rank()
                            + " has no batch at step " + step);
                }
                prepared = layoutFor(it.next());
            }
        }
        StepLayout layout = runner != null ? runner.layout() : prepared;
        return new TrainingStart(step, Fingerprint.of(layout.gradient().graph()));
    }

    private StepLayout layoutFor(Batch first) {
        return TrainStep.layout(model, Programs.trainLoss(modelFn), Programs.types(first.features()),
                Programs.types(first.labels()), config);
    }

    /**
     * Makes the runner for the first step of this world, from the chief's training state (the carried
     * state after a change of world, else the checkpoint or the initial values). Returns false when the
     * chief's step or data position differs from this replica's: the step must be read again from there.
     */
    private boolean startRunner(Batch first) {
        StepLayout layout = prepared != null ? prepared : layoutFor(first);
        TrainingState mine = carried != null ? carried
                : new TrainingState(startValues(layout), step, trainCursor, trainEpoch);
        carried = null;
        TrainingState chief = reducer.startFromChief(mine);
        runner = new StepRunner(device(), layout, chief.values(), reducer);
        boolean samePosition = chief.step() == step && java.util.Objects.equals(chief.cursor(), trainCursor);
        step = chief.step();
        trainCursor = chief.cursor();
        trainEpoch = chief.epoch();
        return samePosition;
    }

    /** The initial values, with the checkpoint's tensors over them once its types and fingerprint are checked. */
    private Map<String, HostTensor> startValues(StepLayout layout) {
        TrainStep.LossFn loss = Programs.trainLoss(modelFn);
        Map<String, HostTensor> values = new LinkedHashMap<>(InitialValues.of(model, config));
        if (resume != null) {
            resume.requireTypes(InitialValues.types(model, config), store.directory(resume.manifest().step()));
            GraphCheck.verify(resume.manifest(), store.directory(resume.manifest().step()), layout.gradient(),
                    replica.worldSize(), at -> Fingerprint.of(TrainStep.gradientProgram(model, loss, at.features(),
                            at.labels(), config).graph()));
            values.putAll(resume.tensors());
        }
        return values;
    }

    Device device() {
        if (device == null) {
            device = Devices.open(deviceName, deviceOptions);
        }
        return device;
    }

    @Override
    public void close() {
        if (runner != null) {
            runner.close();
        }
        if (device != null && ownsDevice) {
            device.close();
        }
        store.close();
    }
}
