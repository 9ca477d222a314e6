package dev.lockstep.nn;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Device;
import dev.lockstep.device.Executable;
import dev.lockstep.tensor.DType;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Tensor;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal single-process runner for tests: holds every variable and slot on the host by path,
 * runs the gradient and apply programs on a device, and binds inputs and outputs by name.
 */
final class TrainLoop implements AutoCloseable {
    final Module model;
    final Map<String, HostTensor> values = new LinkedHashMap<>();
    private final Device device;
    private final TrainStep.LossFn lossFn;
    private final Map<String, TensorType> featureTypes;
    private final Map<String, TensorType> labelTypes;
    private final TrainStep.Config config;
    private final LearningRate lr;
    final Program gradient;
    final Program apply;
    private final Executable gradientExe;
    private final Executable applyExe;
    long step;
    long examplesSeen;

    TrainLoop(Device device, Module model, TrainStep.LossFn lossFn, Map<String, TensorType> features,
              Map<String, TensorType> labels, TrainStep.Config config, LearningRate lr) {
        this.device = device;
        this.model = model;
        this.lossFn = lossFn;
        this.featureTypes = features;
        this.labelTypes = labels;
        this.config = config;
        this.lr = lr;
        StepLayout layout = TrainStep.layout(model, lossFn, features, labels, config);
        this.gradient = layout.gradient();
        this.apply = layout.apply();
        values.putAll(InitialValues.of(model, config));
        this.gradientExe = device.compile(gradient.graph());
        this.applyExe = device.compile(apply.graph());
    }

    /** A program's outputs by role and path. */
    record Outputs(Map<Port, HostTensor> byPort) {
        HostTensor get(Role role, String path) {
            return byPort.entrySet().stream().filter(e -> e.getKey().role() == role && e.getKey().path().equals(path))
                    .map(Map.Entry::getValue).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no " + role + " output '" + path + "' in "
                            + byPort.keySet()));
        }

        /** The only output of {@code role} (the loss sum). */
        HostTensor get(Role role) {
            List<HostTensor> of = byPort.entrySet().stream().filter(e -> e.getKey().role() == role)
                    .map(Map.Entry::getValue).toList();
            if (of.size() != 1) {
                throw new IllegalArgumentException(of.size() + " outputs of role " + role);
            }
            return of.getFirst();
        }
    }

    /** Gradient program outputs for one batch (values not changed). */
    Outputs gradients(Map<String, HostTensor> features, Map<String, HostTensor> labels) {
        Map<Port, HostTensor> out = outputs(gradient, gradientExe, port -> switch (port.role()) {
            case FEATURE -> features.get(port.path());
            case LABEL -> labels.get(port.path());
            case STEP -> HostTensor.ofLongs(new long[] {step});
            case EXAMPLE_OFFSET -> HostTensor.ofLongs(new long[] {examplesSeen});
            default -> values.get(port.path());
        });
        return new Outputs(out);
    }

    /** One training step over {@code microBatches} (gradient accumulation when more than one). */
    Outputs step(List<Map<String, HostTensor>> microFeatures, List<Map<String, HostTensor>> microLabels) {
        Map<Port, HostTensor> sum = null;
        long count = 0;
        for (int i = 0; i < microFeatures.size(); i++) {
            Map<Port, HostTensor> out = gradients(microFeatures.get(i), microLabels.get(i)).byPort();
            int n = microFeatures.get(i).values().iterator().next().shape().dim(0);
            count += n;
            examplesSeen += n;
            // State flows through the micro-batches; the apply program commits the last one.
            for (Port p : gradient.outputs(Role.STATE)) {
                values.put(p.path(), out.get(p));
            }
            sum = sum == null ? out : add(sum, out);
        }
        Map<Port, HostTensor> summed = sum;
        float examples = count;
        Map<Port, HostTensor> out = outputs(apply, applyExe, port -> switch (port.role()) {
            case PARAMETER, SLOT -> values.get(port.path());
            case LOSS_SUM, GRADIENT, STATE -> summed.get(gradient.outputs().get(gradient.outputIndex(port.role(),
                    port.path())));
            case EXAMPLE_COUNT -> HostTensor.ofFloats(new float[] {examples});
            case REPLICA_COUNT -> HostTensor.ofFloats(new float[] {1});
            case STEP -> HostTensor.ofLongs(new long[] {step});
            case LEARNING_RATE -> HostTensor.ofFloats(new float[] {(float) lr.at(step)});
            default -> throw new IllegalArgumentException("the apply program does not read " + port);
        });
        out.forEach((port, v) -> {
            if (port.role() != Role.METRIC) {
                values.put(port.path(), v);
            }
        });
        step++;
        return new Outputs(out);
    }

    private static Map<Port, HostTensor> outputs(Program p, Executable exe,
                                                 java.util.function.Function<Port, HostTensor> bind) {
        Map<String, HostTensor> in = new LinkedHashMap<>();
        for (Port port : p.inputs()) {
            HostTensor t = bind.apply(port);
            if (t != null) {
                in.put(port.name(), t);
            }
        }
        Map<String, HostTensor> byName = run(exe, p, in);
        Map<Port, HostTensor> out = new LinkedHashMap<>();
        p.outputs().forEach(port -> out.put(port, byName.get(port.name())));
        return out;
    }



    Outputs step(Map<String, HostTensor> features, Map<String, HostTensor> labels) {
        return step(List.of(features), List.of(labels));
    }

    /** Per-example losses of the model in EVAL mode (moving statistics, no dropout). */
    HostTensor evaluate(Map<String, HostTensor> features, Map<String, HostTensor> labels) {
        GraphBuilder b = new GraphBuilder();
        Map<String, Tensor> f = new LinkedHashMap<>(), l = new LinkedHashMap<>();
        featureTypes.forEach((k, t) -> f.put(k, b.wrap(b.parameter("features/" + k, t))));
        labelTypes.forEach((k, t) -> l.put(k, b.wrap(b.parameter("labels/" + k, t))));
        Scope scope = new Scope(b, Mode.EVAL, model, config.seed());
        Tensor loss = lossFn.perExample(scope, f, l);
        List<Port> declared = new ArrayList<>();
        featureTypes.forEach((k, t) -> declared.add(new Port(Role.FEATURE, k, "features/" + k, t)));
        labelTypes.forEach((k, t) -> declared.add(new Port(Role.LABEL, k, "labels/" + k, t)));
        Program p = Program.traced(b.buildTensors(List.of(loss)), scope, declared,
                List.of(new Port(Role.METRIC, "loss", "loss", loss.type())));
        Map<String, HostTensor> in = new LinkedHashMap<>(values);
        features.forEach((k, v) -> in.put("features/" + k, v));
        labels.forEach((k, v) -> in.put("labels/" + k, v));
        try (Executable e = device.compile(p.graph())) {
            return run(e, p, in).get("loss");
        }
    }

    static Map<String, HostTensor> run(Executable exe, Program p, Map<String, HostTensor> byName) {
        List<Buffer> inputs = new ArrayList<>();
        try {
            for (String name : p.inputNames()) {
                HostTensor t = byName.get(name);
                if (t == null) {
                    throw new IllegalArgumentException("no value for program input '" + name + "'");
                }
                inputs.add(exe.device().upload(t));
            }
            List<Buffer> outs = exe.execute(inputs);
            Map<String, HostTensor> result = new LinkedHashMap<>();
            for (int i = 0; i < outs.size(); i++) {
                result.put(p.outputNames().get(i), outs.get(i).toHost());
                outs.get(i).close();
            }
            return result;
        } finally {
            inputs.forEach(Buffer::close);
        }
    }

    /** Sums loss and gradients of two micro-batches; state is the later one's. */
    private Map<Port, HostTensor> add(Map<Port, HostTensor> a, Map<Port, HostTensor> b) {
        Map<Port, HostTensor> out = new LinkedHashMap<>();
        for (Port k : gradient.outputs()) {
            HostTensor v = a.get(k);
            if (k.role() == Role.STATE) {
                out.put(k, b.get(k));
                continue;
            }
            double[] x = v.toDoubles(), y = b.get(k).toDoubles();
            for (int i = 0; i < x.length; i++) {
                x[i] += y[i];
            }
            out.put(k, HostTensor.fromDoubles(v.type(), x));
        }
        return out;
    }

    static HostTensor scalar(double v) {
        return HostTensor.scalar(DType.F32, v);
    }

    @Override
    public void close() {
        gradientExe.close();
        applyExe.close();
    }
}
