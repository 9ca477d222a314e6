package dev.lockstep.estimator;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Device;
import dev.lockstep.device.Executable;
import dev.lockstep.nn.Port;
import dev.lockstep.nn.Program;
import dev.lockstep.nn.Role;
import dev.lockstep.nn.StepLayout;
import dev.lockstep.tensor.HostTensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs one replica's training step on one device with every variable and slot resident there: the
 * gradient program over each micro-batch, the {@link GradientReducer} over the payload, then the
 * apply program. Buffers are allocated once and ping-ponged (outputs never alias inputs), and each
 * batch is copied into persistent input buffers, so a steady-state step allocates no device memory.
 * With k micro-batches the loss and gradient sums are accumulated on the device and layer state
 * flows through the micro-batches in order: the same update as one batch k times larger. A step that
 * fails leaves the variables as they were (invariant 7): the apply program writes the spare set,
 * which is swapped in only after it succeeded; state, too, is committed only by the apply program. The
 * apply program is compiled with its payload inputs donated, so a device that can (PJRT) reuses the gradients'
 * memory for the new parameters instead of holding both.
 */
public final class StepRunner implements AutoCloseable {
    private final Device device;
    private final StepLayout layout;
    private final GradientReducer reducer;
    private Listener.StepTimes lastTimes = Listener.StepTimes.NONE;
    private final Executable gradientExe;
    private final Executable applyExe;
    private final Accumulator accumulator;
    /** Variables by path and slots by "slot/..." key: the values the next step reads. */
    private final Map<String, Buffer> live = new LinkedHashMap<>();
    private final Map<String, Buffer> spare = new LinkedHashMap<>();
    /** Per gradient output: its buffer, or for state the first of two it alternates between. */
    private final List<Buffer> gradientOutputs = new ArrayList<>();
    private final List<Buffer> stateOther = new ArrayList<>();
    private final Map<String, Buffer> batchInputs = new LinkedHashMap<>();
    private final List<Buffer> metricOutputs = new ArrayList<>();
    /** Per apply input: its position in the payload, or -1 for variables, slots, step and learning rate. */
    private final int[] applyFromPayload;
    private final Buffer stepInput;
    private final Buffer offsetInput;
    private final Buffer countInput;
    private final Buffer replicasInput;
    private final Buffer lrInput;

    /** A single-process runner (the reducer is the identity). */
    public StepRunner(Device device, Program gradient, Program apply, Map<String, HostTensor> initialValues) {
        this(device, StepLayout.of(gradient, apply), initialValues, GradientReducer.IDENTITY);
    }

    /** {@code values} holds every variable and slot of the layout by key; {@code reducer} sums payloads. */
    public StepRunner(Device device, StepLayout layout, Map<String, HostTensor> values, GradientReducer reducer) {
        this.device = Objects.requireNonNull(device, "device");
        this.layout = Objects.requireNonNull(layout, "layout");
        this.reducer = Objects.requireNonNull(reducer, "reducer");
        for (var e : layout.variables().entrySet()) {
            HostTensor v = values.get(e.getKey());
            if (v == null) {
                throw new IllegalArgumentException("no initial value for " + e.getValue() + "; given: "
                        + values.keySet());
            }
            if (!v.type().equals(e.getValue().type())) {
                throw new IllegalArgumentException("the initial value of " + e.getValue() + " is " + v.type());
            }
        }
        this.gradientExe = device.compile(layout.gradient().graph(), reducer.replicas());
        this.applyExe = device.compile(layout.apply().graph(), payloadInputs(layout));
        for (var e : values.entrySet()) {
            live.put(e.getKey(), device.upload(e.getValue()));
            spare.put(e.getKey(), device.allocate(e.getValue().type()));
        }
        for (Port p : layout.gradient().outputs()) {
            gradientOutputs.add(device.allocate(p.type()));
            stateOther.add(p.role() == Role.STATE ? device.allocate(p.type()) : null);
        }
        for (Port p : layout.apply().outputs()) {
            metricOutputs.add(p.role() == Role.METRIC ? device.allocate(p.type()) : null);
        }
        this.stepInput = device.upload(HostTensor.ofLongs(new long[] {0}));
        this.offsetInput = device.upload(HostTensor.ofLongs(new long[] {0}));
        this.countInput = device.upload(HostTensor.ofFloats(new float[] {0}));
        this.replicasInput = device.upload(HostTensor.ofFloats(new float[] {1}));
        this.lrInput = device.upload(HostTensor.ofFloats(new float[] {0}));
        this.accumulator = new Accumulator(device, layout.gradient());
        List<Port> applyInputs = layout.apply().inputs();
        this.applyFromPayload = new int[applyInputs.size()];
        for (int i = 0; i < applyFromPayload.length; i++) {
            Port p = applyInputs.get(i);
            applyFromPayload[i] = switch (p.role()) {
                case PARAMETER, SLOT, STEP, LEARNING_RATE -> -1;
                default -> layout.payloadIndex(p.role(), p.path());
            };
        }
    }

    /**
     * The apply program's inputs that come from the reduce payload (summed loss, gradients, state, counts). They
     * are recomputed every step, so the apply program may take them over (buffer donation) for its outputs of
     * the same type; variables and slots are never donated, so a failed apply leaves them as they were.
     */
    private static Set<Integer> payloadInputs(StepLayout layout) {
        Set<Integer> donated = new TreeSet<>();
        List<Port> inputs = layout.apply().inputs();
        for (int i = 0; i < inputs.size(); i++) {
            switch (inputs.get(i).role()) {
                case PARAMETER, SLOT, STEP, LEARNING_RATE -> { }
                default -> donated.add(i);
            }
        }
        return donated;
    }

    public StepLayout layout() {
        return layout;
    }

    /**
     * One optimizer step over {@code microBatches} (each a map of "features/..." and "labels/..."
     * host tensors), whose first example has the global index {@code exampleOffset}. Returns the
     * apply program's metrics by name.
     */
    public Map<String, Double> step(List<Map<String, HostTensor>> microBatches, long step, long exampleOffset,
                                    double learningRate) {
        long[] offsets = new long[microBatches.size()];
        long count = 0;
        for (int m = 0; m < offsets.length; m++) {
            offsets[m] = exampleOffset + count;
            count += batchSize(microBatches.get(m));
        }
        return step(microBatches, step, offsets, learningRate);
    }

    /**
     * The same, with the global index of each micro-batch's first example given: a replica's
     * micro-batches are slices of successive global batches, so its examples are not one block.
     */
    public Map<String, Double> step(List<Map<String, HostTensor>> microBatches, long step, long[] exampleOffsets,
                                    double learningRate) {
        if (exampleOffsets.length != microBatches.size()) {
            throw new IllegalArgumentException("got " + exampleOffsets.length + " example offsets for "
                    + microBatches.size() + " micro-batches");
        }
        long t0 = System.nanoTime();
        long t1;
        List<Buffer> payload;
        if (microBatches.size() == 1) {
            payload = new ArrayList<>(gradientOutputs);
            payload.add(countInput);
            payload.add(replicasInput);
            GradientReducer.Pending pending = reducer.begin(layout, payload);
            computeOverlapped(microBatches.getFirst(), step, exampleOffsets[0], pending);
            t1 = System.nanoTime();
            pending.finish();
        } else {
            payload = localPayload(microBatches, step, exampleOffsets);
            t1 = System.nanoTime();
            reducer.reduce(layout, payload);
        }
        long t2 = System.nanoTime();
        lrInput.copyFrom(HostTensor.ofFloats(new float[] {(float) learningRate}));
        Program apply = layout.apply();
        List<Buffer> in = new ArrayList<>(), out = new ArrayList<>();
        for (int i = 0; i < applyFromPayload.length; i++) {
            Port p = apply.inputs().get(i);
            in.add(applyFromPayload[i] >= 0 ? payload.get(applyFromPayload[i]) : switch (p.role()) {
                case STEP -> stepInput;
                case LEARNING_RATE -> lrInput;
                default -> value(p.path());
            });
        }
        for (int i = 0; i < apply.outputs().size(); i++) {
            Port p = apply.outputs().get(i);
            out.add(p.role() == Role.METRIC ? metricOutputs.get(i) : spare.get(p.path()));
        }
        applyExe.execute(in, out);
        // Commit: the apply succeeded, so new parameters, slots and state become the live set.
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (int i = 0; i < apply.outputs().size(); i++) {
            Port p = apply.outputs().get(i);
            if (p.role() == Role.METRIC) {
                metrics.put(p.path(), metricOutputs.get(i).toHost().getDouble(0));
            } else {
                spare.put(p.path(), live.put(p.path(), spare.get(p.path())));
            }
        }
        lastTimes = new Listener.StepTimes((t1 - t0) / 1e9, (t2 - t1) / 1e9, (System.nanoTime() - t2) / 1e9);
        return metrics;
    }

    /** The split of the last {@link #step}'s time (measured with the monotonic clock; timings are reports only). */
    public Listener.StepTimes lastTimes() {
        return lastTimes;
    }

    /**
     * Runs the gradient program over every micro-batch and returns this replica's payload in layout
     * order: summed loss and gradients, the state after the last micro-batch, the example count and a
     * replica count of 1. Nothing live changes.
     */
    List<Buffer> localPayload(List<Map<String, HostTensor>> microBatches, long step, long exampleOffset) {
        long[] offsets = new long[microBatches.size()];
        long count = 0;
        for (int m = 0; m < offsets.length; m++) {
            offsets[m] = exampleOffset + count;
            count += batchSize(microBatches.get(m));
        }
        return localPayload(microBatches, step, offsets);
    }

    private List<Buffer> localPayload(List<Map<String, HostTensor>> microBatches, long step, long[] exampleOffsets) {
        if (microBatches.isEmpty()) {
            throw new IllegalArgumentException("a step needs at least one micro-batch");
        }
        Program gradient = layout.gradient();
        stepInput.copyFrom(HostTensor.ofLongs(new long[] {step}));
        // State flows through the micro-batches without touching the live set: each run reads the
        // previous run's output and writes the other of two payload buffers.
        Map<String, Buffer> stateIn = new LinkedHashMap<>();
        List<Buffer> sums = gradientOutputs;
        long count = 0;
        for (int m = 0; m < microBatches.size(); m++) {
            Map<String, HostTensor> batch = microBatches.get(m);
            offsetInput.copyFrom(HostTensor.ofLongs(new long[] {exampleOffsets[m]}));
            List<Buffer> targets = new ArrayList<>(gradientOutputs);
            for (int i = 0; i < gradient.outputs().size(); i++) {
                Port p = gradient.outputs().get(i);
                if (p.role() == Role.STATE && stateIn.get(p.path()) == gradientOutputs.get(i)) {
                    targets.set(i, stateOther.get(i));
                }
            }
            gradientExe.execute(gradientInputs(batch, stateIn), targets);
            for (int i = 0; i < gradient.outputs().size(); i++) {
                Port p = gradient.outputs().get(i);
                if (p.role() == Role.STATE) {
                    stateIn.put(p.path(), targets.get(i));
                }
            }
            count += batchSize(batch);
            sums = microBatches.size() == 1 ? gradientOutputs : accumulator.add(gradientOutputs, m == 0);
        }
        List<Buffer> payload = new ArrayList<>(layout.payload().size());
        for (int i = 0; i < gradient.outputs().size(); i++) {
            Port p = gradient.outputs().get(i);
            payload.add(p.role() == Role.STATE ? stateIn.get(p.path()) : sums.get(i));
        }
        countInput.copyFrom(HostTensor.ofFloats(new float[] {count}));
        replicasInput.copyFrom(HostTensor.ofFloats(new float[] {1}));
        payload.add(countInput);
        payload.add(replicasInput);
        return payload;
    }

    /**
     * One micro-batch: the gradient program writes the payload buffers (the gradient outputs and the
     * counts) directly, and {@code pending} hears of each entry as the device finishes it, so the
     * reducer can sum early buckets while the backward pass still runs. The counts are known before
     * the run and are ready first. A failed run abandons the reduce.
     */
    private void computeOverlapped(Map<String, HostTensor> batch, long step, long exampleOffset,
                                   GradientReducer.Pending pending) {
        try {
            stepInput.copyFrom(HostTensor.ofLongs(new long[] {step}));
            offsetInput.copyFrom(HostTensor.ofLongs(new long[] {exampleOffset}));
            List<Buffer> in = gradientInputs(batch, Map.of());
            countInput.copyFrom(HostTensor.ofFloats(new float[] {batchSize(batch)}));
            replicasInput.copyFrom(HostTensor.ofFloats(new float[] {1}));
            pending.ready(gradientOutputs.size());
            pending.ready(gradientOutputs.size() + 1);
            gradientExe.execute(in, gradientOutputs, pending::ready);
        } catch (RuntimeException | Error e) {
            pending.abandon(e instanceof RuntimeException r ? r : new IllegalStateException(e.toString(), e));
            throw e;
        }
    }

    private List<Buffer> gradientInputs(Map<String, HostTensor> batch, Map<String, Buffer> stateIn) {
        List<Buffer> in = new ArrayList<>();
        for (Port p : layout.gradient().inputs()) {
            in.add(switch (p.role()) {
                case STEP -> stepInput;
                case EXAMPLE_OFFSET -> offsetInput;
                case FEATURE, LABEL -> batchInput(p, batch);
                case STATE -> stateIn.containsKey(p.path()) ? stateIn.get(p.path()) : value(p.path());
                case PARAMETER -> value(p.path());
                default -> throw new IllegalStateException("the gradient program reads " + p
                        + ", which no step supplies");
            });
        }
        return in;
    }

    private Buffer batchInput(Port p, Map<String, HostTensor> batch) {
        HostTensor t = batch.get(p.name());
        if (t == null) {
            throw new IllegalArgumentException("batch has no '" + p.name() + "'; it has " + batch.keySet());
        }
        if (!p.type().equals(t.type())) {
            throw new IllegalArgumentException("batch input '" + p.name() + "' is " + t.type()
                    + " but the program was traced for " + p.type() + " (the last batch of an epoch? "
                    + "drop the remainder or pad it)");
        }
        Buffer b = batchInputs.computeIfAbsent(p.name(), n -> device.allocate(t.type()));
        b.copyFrom(t);
        return b;
    }

    private Buffer value(String key) {
        Buffer b = live.get(key);
        if (b == null) {
            throw new IllegalArgumentException("no value for '" + key + "'; known: " + live.keySet());
        }
        return b;
    }

    static long batchSize(Map<String, HostTensor> batch) {
        HostTensor first = batch.values().iterator().next();
        return first.shape().rank() == 0 ? 1 : first.shape().dim(0);
    }

    /** Copies every variable and slot to the host, by key (for checkpoints and export). */
    public Map<String, HostTensor> values() {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        live.forEach((k, v) -> out.put(k, v.toHost()));
        return out;
    }

    /** The live buffer of a variable (for evaluation and prediction programs on the same device). */
    public Buffer buffer(String key) {
        return value(key);
    }

    public Device device() {
        return device;
    }

    @Override
    public void close() {
        gradientExe.close();
        applyExe.close();
        accumulator.close();
        live.values().forEach(Buffer::close);
        spare.values().forEach(Buffer::close);
        batchInputs.values().forEach(Buffer::close);
        gradientOutputs.forEach(Buffer::close);
        stateOther.stream().filter(Objects::nonNull).forEach(Buffer::close);
        metricOutputs.stream().filter(Objects::nonNull).forEach(Buffer::close);
        List.of(stepInput, offsetInput, countInput, replicasInput, lrInput).forEach(Buffer::close);
    }
}
