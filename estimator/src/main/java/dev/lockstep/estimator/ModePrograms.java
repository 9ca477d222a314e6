package dev.lockstep.estimator;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Device;
import dev.lockstep.device.Executable;
import dev.lockstep.nn.Mode;
import dev.lockstep.nn.Module;
import dev.lockstep.nn.Port;
import dev.lockstep.nn.Program;
import dev.lockstep.nn.Role;
import dev.lockstep.nn.TrainStep;
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

    /**
     * The TRAIN gradient program for batches like {@code batch} (for {@link Estimator#gradients}):
     * run on its own, it changes nothing, since state updates are only outputs.
     */
    Compiled gradient(Batch batch, TrainStep.Config config) {
        Key key = new Key(Mode.TRAIN, Programs.types(batch.features()), Programs.types(batch.labels()));
        return compiled.computeIfAbsent(key, k -> {
            Program p = TrainStep.gradientProgram(model, Programs.trainLoss(modelFn), k.features(), k.labels(), config);
            return new Compiled(p, device.get().compile(p.graph()), Map.of());
        });
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

    /**
     * Runs {@code c} on {@code batch} at {@code step} with the batch's first example at global index
     * {@code exampleOffset}; parameters and state are read through {@code variables} by path.
     */
    Map<Port, HostTensor> run(Compiled c, Batch batch, Function<String, Buffer> variables, long step,
                              long exampleOffset) {
        List<Buffer> inputs = new ArrayList<>(), uploaded = new ArrayList<>();
        Device d = device.get();
        try {
            for (Port p : c.program().inputs()) {
                HostTensor t = switch (p.role()) {
                    case FEATURE -> batch.features().get(p.path());
                    case LABEL -> batch.labels().get(p.path());
                    case STEP -> HostTensor.ofLongs(new long[] {step});
                    case EXAMPLE_OFFSET -> HostTensor.ofLongs(new long[] {exampleOffset});
                    case PARAMETER, STATE -> null;
                    default -> throw new IllegalStateException("the program reads " + p + ", which nothing supplies");
                };
                if (p.role() == Role.FEATURE || p.role() == Role.LABEL) {
                    if (t == null || !t.type().equals(p.type())) {
                        throw new IllegalArgumentException("batch input '" + p.name() + "' is "
                                + (t == null ? "missing" : t.type()) + " but the program was traced for " + p.type());
                    }
                }
                if (t != null) {
                    Buffer b = d.upload(t);
                    uploaded.add(b);
                    inputs.add(b);
                } else {
                    inputs.add(variables.apply(p.path()));
                }
            }
            List<Buffer> outs = c.executable().execute(inputs);
            Map<Port, HostTensor> result = new LinkedHashMap<>();
            for (int i = 0; i < outs.size(); i++) {
                result.put(c.program().outputs().get(i), outs.get(i).toHost());
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
