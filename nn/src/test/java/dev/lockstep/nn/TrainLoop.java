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
        this.gradient = TrainStep.gradientProgram(model, lossFn, features, labels, config);
        this.apply = TrainStep.applyProgram(model, config);
        for (VariableSpec v : model.variables()) {
            values.put(v.path(), HostTensor.fromDoubles(v.type(),
                    v.initializer().values(v.type().shape(), v.path(), config.seed())));
            if (v.trainable()) {
                for (String s : config.optimizer().slotNames()) {
                    double[] init = new double[(int) v.type().shape().size()];
                    java.util.Arrays.fill(init, config.optimizer().slotInitialValue(s));
                    values.put(TrainStep.slotName(v.path(), s), HostTensor.fromDoubles(v.type(), init));
                }
            }
        }
        this.gradientExe = device.compile(gradient.graph());
        this.applyExe = device.compile(apply.graph());
    }

    /** Gradient program outputs by name for one batch (values not changed). */
    Map<String, HostTensor> gradients(Map<String, HostTensor> features, Map<String, HostTensor> labels) {
        Map<String, HostTensor> in = new LinkedHashMap<>(values);
        features.forEach((k, v) -> in.put("features/" + k, v));
        labels.forEach((k, v) -> in.put("labels/" + k, v));
        in.put(Scope.STEP, HostTensor.ofLongs(new long[] {step}));
        in.put(Scope.EXAMPLE_OFFSET, HostTensor.ofLongs(new long[] {examplesSeen}));
        return run(gradientExe, gradient, in);
    }

    /** One training step over {@code microBatches} (gradient accumulation when more than one). */
    Map<String, HostTensor> step(List<Map<String, HostTensor>> microFeatures, List<Map<String, HostTensor>> microLabels) {
        Map<String, HostTensor> sum = null;
        long count = 0;
        for (int i = 0; i < microFeatures.size(); i++) {
            Map<String, HostTensor> out = gradients(microFeatures.get(i), microLabels.get(i));
            int n = microFeatures.get(i).values().iterator().next().shape().dim(0);
            count += n;
            examplesSeen += n;
            out.forEach((k, v) -> {
                if (k.startsWith("state/")) {
                    values.put(k.substring("state/".length()), v);
                }
            });
            sum = sum == null ? out : add(sum, out);
        }
        Map<String, HostTensor> in = new LinkedHashMap<>();
        values.forEach((k, v) -> in.put(k.startsWith("slot/") ? k : "param/" + k, v));
        sum.forEach((k, v) -> in.put(k, v));
        in.put(TrainStep.EXAMPLE_COUNT, HostTensor.ofFloats(new float[] {count}));
        in.put(Scope.STEP, HostTensor.ofLongs(new long[] {step}));
        in.put(TrainStep.LEARNING_RATE, HostTensor.ofFloats(new float[] {(float) lr.at(step)}));
        Map<String, HostTensor> out = run(applyExe, apply, in);
        out.forEach((k, v) -> {
            if (k.startsWith("param/")) {
                values.put(k.substring("param/".length()), v);
            } else if (k.startsWith("slot/")) {
                values.put(k, v);
            }
        });
        step++;
        return out;
    }

    Map<String, HostTensor> step(Map<String, HostTensor> features, Map<String, HostTensor> labels) {
        return step(List.of(features), List.of(labels));
    }

    /** Per-example losses of the model in EVAL mode (moving statistics, no dropout). */
    HostTensor evaluate(Map<String, HostTensor> features, Map<String, HostTensor> labels) {
        GraphBuilder b = new GraphBuilder();
        Map<String, Tensor> f = new LinkedHashMap<>(), l = new LinkedHashMap<>();
        featureTypes.forEach((k, t) -> f.put(k, b.wrap(b.parameter("features/" + k, t))));
        labelTypes.forEach((k, t) -> l.put(k, b.wrap(b.parameter("labels/" + k, t))));
        Scope scope = new Scope(b, Mode.EVAL, model, config.seed());
        Program p = new Program(b.buildTensors(List.of(lossFn.perExample(scope, f, l))), List.of("loss"));
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

    private static Map<String, HostTensor> add(Map<String, HostTensor> a, Map<String, HostTensor> b) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        a.forEach((k, v) -> {
            if (k.startsWith("state/")) {
                out.put(k, b.get(k));
                return;
            }
            double[] x = v.toDoubles(), y = b.get(k).toDoubles();
            for (int i = 0; i < x.length; i++) {
                x[i] += y[i];
            }
            out.put(k, HostTensor.fromDoubles(v.type(), x));
        });
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
