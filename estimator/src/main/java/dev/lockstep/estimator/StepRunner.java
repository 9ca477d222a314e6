package dev.lockstep.estimator;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Device;
import dev.lockstep.device.Executable;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Node;
import dev.lockstep.graph.Tensor;
import dev.lockstep.nn.Program;
import dev.lockstep.nn.Scope;
import dev.lockstep.nn.TrainStep;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a model's gradient and apply programs on one device with every variable and slot resident
 * there. Buffers are allocated once and ping-ponged (outputs never alias inputs), and each batch is
 * copied into persistent input buffers, so a steady-state step allocates no device memory. With k
 * micro-batches the summed gradients are accumulated on the device before one apply: the same update
 * as one batch k times larger. A step that fails leaves the variables as they were (invariant 7):
 * new values are written to the spare set and swapped in only after the apply succeeded.
 */
public final class StepRunner implements AutoCloseable {
    private final Device device;
    private final Program gradient;
    private final Program apply;
    private final Executable gradientExe;
    private final Executable applyExe;
    private final Accumulator accumulator;
    /** Variables by path and slots by "slot/..." name: the values the next step reads. */
    private final Map<String, Buffer> live = new LinkedHashMap<>();
    private final Map<String, Buffer> spare = new LinkedHashMap<>();
    /** A third buffer per state tensor, for state flowing through several micro-batches. */
    private final Map<String, Buffer> scratch = new LinkedHashMap<>();
    private final Map<String, Buffer> batchInputs = new LinkedHashMap<>();
    private final List<Buffer> gradientOutputs = new ArrayList<>();
    private final List<Buffer> applyOutputs = new ArrayList<>();
    private final Buffer stepInput;
    private final Buffer offsetInput;
    private final Buffer countInput;
    private final Buffer lrInput;

    public StepRunner(Device device, Program gradient, Program apply, Map<String, HostTensor> initialValues) {
        this.device = device;
        this.gradient = gradient;
        this.apply = apply;
        this.gradientExe = device.compile(gradient.graph());
        this.applyExe = device.compile(apply.graph());
        for (var e : initialValues.entrySet()) {
            live.put(e.getKey(), device.upload(e.getValue()));
            spare.put(e.getKey(), device.allocate(e.getValue().type()));
        }
        for (int i = 0; i < gradient.graph().outputs().size(); i++) {
            String name = gradient.outputNames().get(i);
            TensorType t = gradient.graph().outputs().get(i).type();
            if (name.startsWith("state/")) {
                scratch.put(name.substring("state/".length()), device.allocate(t));
                gradientOutputs.add(null); // written into the spare or scratch buffer of that state
            } else {
                gradientOutputs.add(device.allocate(t));
            }
        }
        for (int i = 0; i < apply.graph().outputs().size(); i++) {
            String name = apply.outputNames().get(i);
            applyOutputs.add(name.startsWith("metric/") ? device.allocate(apply.graph().outputs().get(i).type()) : null);
        }
        this.stepInput = device.upload(HostTensor.ofLongs(new long[] {0}));
        this.offsetInput = device.upload(HostTensor.ofLongs(new long[] {0}));
        this.countInput = device.upload(HostTensor.ofFloats(new float[] {0}));
        this.lrInput = device.upload(HostTensor.ofFloats(new float[] {0}));
        this.accumulator = new Accumulator(device, gradient);
    }

    /**
     * One optimizer step over {@code microBatches} (each a map of "features/..." and "labels/..."
     * host tensors). Returns the apply program's metrics by name (without the "metric/" prefix).
     */
    public Map<String, Double> step(List<Map<String, HostTensor>> microBatches, long step, long exampleOffset,
                                    double learningRate) {
        if (microBatches.isEmpty()) {
            throw new IllegalArgumentException("a step needs at least one micro-batch");
        }
        long count = 0;
        stepInput.copyFrom(HostTensor.ofLongs(new long[] {step}));
        // State flows through the micro-batches without touching the live set: each run reads the
        // previous run's output and writes the other of two spare buffers.
        Map<String, Buffer> stateIn = new LinkedHashMap<>();
        List<Buffer> sums = null;
        for (int m = 0; m < microBatches.size(); m++) {
            Map<String, HostTensor> batch = microBatches.get(m);
            offsetInput.copyFrom(HostTensor.ofLongs(new long[] {exampleOffset + count}));
            List<Buffer> targets = new ArrayList<>(gradientOutputs);
            for (int i = 0; i < gradient.outputNames().size(); i++) {
                String name = gradient.outputNames().get(i);
                if (name.startsWith("state/")) {
                    String key = name.substring("state/".length());
                    Buffer in = stateIn.getOrDefault(key, live.get(key));
                    targets.set(i, in == spare.get(key) ? scratch.get(key) : spare.get(key));
                }
            }
            gradientExe.execute(gradientInputs(batch, stateIn), targets);
            for (int i = 0; i < gradient.outputNames().size(); i++) {
                String name = gradient.outputNames().get(i);
                if (name.startsWith("state/")) {
                    stateIn.put(name.substring("state/".length()), targets.get(i));
                }
            }
            count += batchSize(batch);
            sums = microBatches.size() == 1 ? gradientOutputs : accumulator.add(gradientOutputs, m == 0);
        }
        countInput.copyFrom(HostTensor.ofFloats(new float[] {count}));
        lrInput.copyFrom(HostTensor.ofFloats(new float[] {(float) learningRate}));
        applyExe.execute(applyInputs(sums), applyTargets());
        // Commit: the apply succeeded, so new parameters, slots and state become the live set.
        for (String name : apply.outputNames()) {
            if (!name.startsWith("metric/")) {
                String key = name.startsWith("param/") ? name.substring("param/".length()) : name;
                Buffer old = live.put(key, spare.get(key));
                spare.put(key, old);
            }
        }
        for (var e : stateIn.entrySet()) {
            String key = e.getKey();
            Buffer newest = e.getValue(), old = live.get(key);
            Buffer other = newest == spare.get(key) ? scratch.get(key) : spare.get(key);
            live.put(key, newest);
            spare.put(key, old);
            scratch.put(key, other);
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (int i = 0; i < apply.outputNames().size(); i++) {
            String name = apply.outputNames().get(i);
            if (name.startsWith("metric/")) {
                metrics.put(name.substring("metric/".length()), applyOutputs.get(i).toHost().getDouble(0));
            }
        }
        return metrics;
    }

    private List<Buffer> gradientInputs(Map<String, HostTensor> batch, Map<String, Buffer> stateIn) {
        List<Buffer> in = new ArrayList<>();
        for (String name : gradient.inputNames()) {
            if (name.equals(Scope.STEP)) {
                in.add(stepInput);
            } else if (name.equals(Scope.EXAMPLE_OFFSET)) {
                in.add(offsetInput);
            } else if (name.startsWith("features/") || name.startsWith("labels/")) {
                HostTensor t = batch.get(name);
                if (t == null) {
                    throw new IllegalArgumentException("batch has no '" + name + "'; it has " + batch.keySet());
                }
                Buffer b = batchInputs.computeIfAbsent(name, n -> device.allocate(t.type()));
                if (!b.type().equals(t.type())) {
                    throw new IllegalArgumentException("batch input '" + name + "' is " + t.type()
                            + " but the program was traced for " + b.type() + " (the last batch of an epoch? "
                            + "drop the remainder or pad it)");
                }
                b.copyFrom(t);
                in.add(b);
            } else {
                in.add(stateIn.containsKey(name) ? stateIn.get(name) : value(name));
            }
        }
        return in;
    }

    private List<Buffer> applyInputs(List<Buffer> summed) {
        List<Buffer> in = new ArrayList<>();
        for (String name : apply.inputNames()) {
            in.add(switch (name) {
                case TrainStep.EXAMPLE_COUNT -> countInput;
                case TrainStep.LEARNING_RATE -> lrInput;
                case Scope.STEP -> stepInput;
                default -> {
                    if (name.startsWith("param/")) {
                        yield value(name.substring("param/".length()));
                    } else if (name.startsWith("slot/")) {
                        yield value(name);
                    }
                    yield summed.get(gradient.outputIndex(name)); // loss_sum and grad/<path>
                }
            });
        }
        return in;
    }

    private List<Buffer> applyTargets() {
        List<Buffer> out = new ArrayList<>();
        for (int i = 0; i < apply.outputNames().size(); i++) {
            String name = apply.outputNames().get(i);
            out.add(name.startsWith("metric/") ? applyOutputs.get(i)
                    : spare.get(name.startsWith("param/") ? name.substring("param/".length()) : name));
        }
        return out;
    }

    private Buffer value(String key) {
        Buffer b = live.get(key);
        if (b == null) {
            throw new IllegalArgumentException("no value for '" + key + "'; known: " + live.keySet());
        }
        return b;
    }

    private static long batchSize(Map<String, HostTensor> batch) {
        HostTensor first = batch.values().iterator().next();
        return first.shape().rank() == 0 ? 1 : first.shape().dim(0);
    }

    /** Copies every variable and slot to the host, by name (for checkpoints and export). */
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
        scratch.values().forEach(Buffer::close);
        batchInputs.values().forEach(Buffer::close);
        gradientOutputs.stream().filter(b -> b != null).forEach(Buffer::close);
        applyOutputs.stream().filter(b -> b != null).forEach(Buffer::close);
        List.of(stepInput, offsetInput, countInput, lrInput).forEach(Buffer::close);
    }

    /** Sums the loss and gradient outputs of several micro-batches on the device. */
    private static final class Accumulator implements AutoCloseable {
        private final Executable add;
        private final List<Integer> summed = new ArrayList<>();
        private final List<Buffer> a = new ArrayList<>(), b = new ArrayList<>();
        private final List<HostTensor> zeros = new ArrayList<>();
        private boolean resultInA;

        Accumulator(Device device, Program gradient) {
            GraphBuilder g = new GraphBuilder();
            List<Tensor> acc = new ArrayList<>(), next = new ArrayList<>();
            for (int i = 0; i < gradient.outputNames().size(); i++) {
                if (!gradient.outputNames().get(i).startsWith("state/")) {
                    summed.add(i);
                    TensorType t = gradient.graph().outputs().get(i).type();
                    acc.add(g.wrap(g.parameter("acc" + i, t)));
                    a.add(device.allocate(t));
                    b.add(device.allocate(t));
                    zeros.add(HostTensor.zeros(t));
                }
            }
            // Inputs are every running total first, then every new micro-batch sum.
            for (int i : summed) {
                next.add(g.wrap(g.parameter("next" + i, gradient.graph().outputs().get(i).type())));
            }
            List<Node> out = new ArrayList<>();
            for (int k = 0; k < acc.size(); k++) {
                out.add(acc.get(k).add(next.get(k)).node());
            }
            this.add = device.compile(g.build(out));
        }

        /** Adds the summed entries of {@code outputs} into the running total (reset when {@code first}). */
        List<Buffer> add(List<Buffer> outputs, boolean first) {
            if (first) {
                for (int k = 0; k < a.size(); k++) {
                    a.get(k).copyFrom(zeros.get(k));
                }
                resultInA = true;
            }
            List<Buffer> src = resultInA ? a : b, dst = resultInA ? b : a;
            List<Buffer> in = new ArrayList<>(src);
            for (int i : summed) {
                in.add(outputs.get(i));
            }
            add.execute(in, dst);
            resultInA = !resultInA;
            List<Buffer> result = new ArrayList<>(outputs);
            for (int k = 0; k < summed.size(); k++) {
                result.set(summed.get(k), dst.get(k));
            }
            return result;
        }

        @Override
        public void close() {
            add.close();
            a.forEach(Buffer::close);
            b.forEach(Buffer::close);
        }
    }
}
