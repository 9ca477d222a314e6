package dev.lockstep.estimator;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Device;
import dev.lockstep.device.Executable;
import dev.lockstep.nn.Mode;
import dev.lockstep.nn.Module;
import dev.lockstep.nn.Program;
import dev.lockstep.nn.Scope;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The EVAL and PREDICT programs of one estimator, traced and compiled once per batch signature and
 * kept for the estimator's life. Variables are read from device buffers supplied by the caller (the
 * step runner's live set), so evaluation copies only the batch to the device.
 */
final class ModePrograms implements AutoCloseable {
    /** A compiled program and the metrics its model function declared (EVAL). */
    record Compiled(Program program, Executable executable, Map<String, Metric> metrics) {}

    private record Key(Mode mode, Map<String, TensorType> features, Map<String, TensorType> labels) {}

    private final Module model;
    private final ModelFn modelFn;
    private final long seed;
    private final Supplier<Device> device;
    private final Map<Key, Compiled> compiled = new HashMap<>();

    ModePrograms(Module model, ModelFn modelFn, long seed, Supplier<Device> device) {
        this.model = model;
        this.modelFn = modelFn;
        this.seed = seed;
        this.device = device;
    }

    Compiled get(Mode mode, Batch batch) {
        Map<String, TensorType> labels = mode == Mode.PREDICT ? Map.of() : Programs.types(batch.labels());
        Key key = new Key(mode, Programs.types(batch.features()), labels);
        return compiled.computeIfAbsent(key, k -> {
            Map<String, Metric> metrics = new LinkedHashMap<>();
            ModelFn recording = (scope, f, l, m) -> {
                ModelOutput out = modelFn.apply(scope, f, l, m);
                metrics.putAll(out.metrics());
                return out;
            };
            Program p = Programs.trace(model, recording, mode, k.features(), k.labels(), seed);
            return new Compiled(p, device.get().compile(p.graph()), Map.copyOf(metrics));
        });
    }

    /** Runs {@code c} on {@code batch}; every other input is a variable read through {@code variables}. */
    Map<String, HostTensor> run(Compiled c, Batch batch, Function<String, Buffer> variables, long step) {
        Map<String, HostTensor> batchInputs = batch.programInputs();
        List<Buffer> inputs = new ArrayList<>(), uploaded = new ArrayList<>();
        Device d = device.get();
        try {
            for (String name : c.program().inputNames()) {
                HostTensor t = batchInputs.get(name);
                if (t == null && (name.equals(Scope.STEP) || name.equals(Scope.EXAMPLE_OFFSET))) {
                    t = HostTensor.ofLongs(new long[] {name.equals(Scope.STEP) ? step : 0});
                }
                if (t != null) {
                    Buffer b = d.upload(t);
                    uploaded.add(b);
                    inputs.add(b);
                } else {
                    inputs.add(variables.apply(name));
                }
            }
            List<Buffer> outs = c.executable().execute(inputs);
            Map<String, HostTensor> result = new LinkedHashMap<>();
            for (int i = 0; i < outs.size(); i++) {
                result.put(c.program().outputNames().get(i), outs.get(i).toHost());
                outs.get(i).close();
            }
            return result;
        } finally {
            uploaded.forEach(Buffer::close);
        }
    }

    @Override
    public void close() {
        compiled.values().forEach(c -> c.executable().close());
        compiled.clear();
    }
}
