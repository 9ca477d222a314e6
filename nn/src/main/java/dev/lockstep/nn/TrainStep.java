package dev.lockstep.nn;

import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Tensor;
import dev.lockstep.tensor.DType;
import dev.lockstep.graph.autodiff.Autodiff;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Traces the two device programs of a training step (DESIGN.md). The gradient program runs the
 * model on a local batch and outputs the summed per-example loss, the summed gradients by path and
 * the new layer state; the apply program takes those summed over every replica (and gradients and
 * loss over every micro-batch), divides the gradients by the example count, adds the regularization
 * gradient once, runs the gradient transforms and the optimizer, and outputs new parameters, slots,
 * layer state and metrics. {@link #layout} traces both and describes them as a {@link StepLayout}.
 *
 * <p>Layer state goes through the reduce like gradients: the apply program commits
 * {@code state_sum / replica_count}. That is TensorFlow MirroredStrategy's MEAN aggregation of
 * moving statistics under the {@code local} batch-statistics policy: with equal local batch sizes
 * the moving means equal the EMA of the global batch mean, and the moving variances average the
 * per-replica batch variances (not the variance of the global batch). In one process the count is 1
 * and x / 1 is exact, so results are unchanged.
 */
public final class TrainStep {
    public static final String EXAMPLE_COUNT = "lockstep/example_count";
    public static final String REPLICA_COUNT = "lockstep/replica_count";
    public static final String LEARNING_RATE = "lockstep/learning_rate";
    public static final String LOSS_SUM = "loss_sum";
    /** Optimizer slots are stored as {@code slot/<parameter path>/<slot>}, in graphs and in checkpoints. */
    public static final String SLOT_PREFIX = "slot/";
    private static final TensorType COUNT = TensorType.of(DType.F32);

    private TrainStep() {}

    /** The model function: per-example losses [local batch] from named features and labels. */
    @FunctionalInterface
    public interface LossFn {
        Tensor perExample(Scope scope, Map<String, Tensor> features, Map<String, Tensor> labels);
    }

    /**
     * Optimizer, transforms, which parameters are frozen or may go without gradient, the seed, and
     * where batch-norm layers take their batch statistics from across replicas.
     */
    public record Config(Optimizer optimizer, GradientTransform transform, Set<String> frozen,
                         boolean allowUnusedParameters, long seed, BatchStatistics batchStatistics) {
        public Config {
            frozen = Set.copyOf(frozen);
            java.util.Objects.requireNonNull(batchStatistics, "batchStatistics");
        }

        public Config(Optimizer optimizer, GradientTransform transform, Set<String> frozen,
                      boolean allowUnusedParameters, long seed) {
            this(optimizer, transform, frozen, allowUnusedParameters, seed, BatchStatistics.LOCAL);
        }

        public static Config of(Optimizer optimizer, long seed) {
            return new Config(optimizer, GradientTransform.chain(), Set.of(), false, seed);
        }

        public Config withTransform(GradientTransform t) {
            return new Config(optimizer, t, frozen, allowUnusedParameters, seed, batchStatistics);
        }

        public Config withFrozen(Set<String> paths) {
            return new Config(optimizer, transform, paths, allowUnusedParameters, seed, batchStatistics);
        }

        /** Also freezes every variable of {@code subtree} (for fine-tuning the rest of the model). */
        public Config freezing(Module subtree) {
            Set<String> all = new java.util.HashSet<>(frozen);
            subtree.parameters().forEach(v -> all.add(v.path()));
            return withFrozen(all);
        }

        public Config allowingUnusedParameters() {
            return new Config(optimizer, transform, frozen, true, seed, batchStatistics);
        }

        public Config withBatchStatistics(BatchStatistics policy) {
            return new Config(optimizer, transform, frozen, allowUnusedParameters, seed, policy);
        }
    }

    /** Traces the gradient program; builds the model's variables on first use. */
    public static Program gradientProgram(Module model, LossFn lossFn, Map<String, TensorType> features,
                                          Map<String, TensorType> labels, Config config) {
        GraphBuilder b = new GraphBuilder();
        Map<String, Tensor> f = declare(b, "features/", features);
        Map<String, Tensor> l = declare(b, "labels/", labels);
        Scope scope = new Scope(b, Mode.TRAIN, model, config.seed(), config.batchStatistics());
        Tensor perExample = lossFn.perExample(scope, f, l);
        if (perExample.rank() != 1 || !perExample.dtype().isFloating()) {
            throw new IllegalArgumentException("the loss function must return per-example losses [batch] of a float "
                    + "type, got " + perExample.type());
        }
        List<String> declared = new ArrayList<>();
        features.keySet().forEach(k -> declared.add("features/" + k));
        labels.keySet().forEach(k -> declared.add("labels/" + k));
        scope.checkInputsOwned(declared);

        List<String> trainable = trainablePaths(model, config);
        List<Tensor> wrt = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String p : trainable) {
            Tensor v = scope.variableValues().get(p);
            if (v == null) {
                missing.add(p);
            } else {
                wrt.add(v);
            }
        }
        Tensor lossSum = perExample.sum(0);
        Autodiff.Gradients grads = Autodiff.gradients(lossSum, wrt);
        missing.addAll(grads.unreachable());
        if (!missing.isEmpty() && !config.allowUnusedParameters()) {
            throw new IllegalArgumentException("parameters received no gradient: " + missing + ". They would never "
                    + "train. Use them in the loss, freeze them (Config.withFrozen), or allow unused parameters "
                    + "explicitly (Config.allowingUnusedParameters).");
        }
        List<Tensor> outputs = new ArrayList<>(List.of(lossSum));
        List<Port> ports = new ArrayList<>(List.of(new Port(Role.LOSS_SUM, LOSS_SUM, LOSS_SUM, lossSum.type())));
        int k = 0;
        for (String p : trainable) {
            Tensor g = scope.variableValues().containsKey(p) ? grads.values().get(k++)
                    : zeros(b, spec(model, p).type());
            outputs.add(g);
            ports.add(new Port(Role.GRADIENT, p, "grad/" + p, g.type()));
        }
        for (VariableSpec s : model.state()) {
            Tensor updated = scope.stateUpdates().get(s.path());
            if (updated != null) {
                outputs.add(updated);
                ports.add(new Port(Role.STATE, s.path(), "state/" + s.path(), updated.type()));
            }
        }
        List<Port> batchPorts = new ArrayList<>();
        features.forEach((n, t) -> batchPorts.add(new Port(Role.FEATURE, n, "features/" + n, t)));
        labels.forEach((n, t) -> batchPorts.add(new Port(Role.LABEL, n, "labels/" + n, t)));
        return Program.traced(b.buildTensors(outputs), scope, batchPorts, ports);
    }

    /** Traces both programs of a step for batches of these types and describes them as one layout. */
    public static StepLayout layout(Module model, LossFn lossFn, Map<String, TensorType> features,
                                    Map<String, TensorType> labels, Config config) {
        Program gradient = gradientProgram(model, lossFn, features, labels, config);
        return StepLayout.of(gradient, applyProgram(model, config, gradient.outputs(Role.STATE)));
    }

    /**
     * Traces the apply program for the model's (already built) trainable parameters; it commits every
     * state tensor of the model, which the gradient program must update (see {@link #layout}).
     */
    public static Program applyProgram(Module model, Config config) {
        List<Port> state = model.state().stream()
                .map(v -> new Port(Role.STATE, v.path(), "state/" + v.path(), v.type())).toList();
        return applyProgram(model, config, state);
    }

    private static Program applyProgram(Module model, Config config, List<Port> state) {
        GraphBuilder b = new GraphBuilder();
        List<Port> in = new ArrayList<>();
        List<String> trainable = trainablePaths(model, config);
        if (trainable.isEmpty()) {
            throw new IllegalArgumentException("model " + model.describe() + " has no trainable parameters; trace the "
                    + "gradient program first so the layers build their parameters");
        }
        Map<String, Tensor> params = new LinkedHashMap<>();
        Map<String, Tensor> grads = new LinkedHashMap<>();
        for (String p : trainable) {
            params.put(p, input(b, in, Role.PARAMETER, p, "param/" + p, spec(model, p).type()));
        }
        for (String p : trainable) {
            grads.put(p, input(b, in, Role.GRADIENT, p, "grad/" + p, spec(model, p).type()));
        }
        Tensor count = input(b, in, Role.EXAMPLE_COUNT, EXAMPLE_COUNT, EXAMPLE_COUNT, COUNT);
        Tensor step = input(b, in, Role.STEP, Scope.STEP, Scope.STEP, TensorType.of(DType.I64));
        Tensor lr = input(b, in, Role.LEARNING_RATE, LEARNING_RATE, LEARNING_RATE, COUNT);
        // The gradient program sums losses in the model's dtype; metrics are reported in f32.
        DType lossType = spec(model, trainable.getFirst()).type().dtype();
        Tensor lossSum = input(b, in, Role.LOSS_SUM, LOSS_SUM, LOSS_SUM, TensorType.of(lossType)).cast(DType.F32);

        // Sum over the global batch / example count; the reciprocal is computed once on the scalar so
        // the per-element work is a multiply, which fuses into the optimizer's pass more cheaply.
        Gradients g = new Gradients(grads).map((p, t) -> t.mul(reciprocal(count, t.dtype())));
        Tensor reg = Regularization.add(model, params, trainable);
        if (reg != null) {
            List<String> regularized = Regularization.paths(model, trainable);
            List<Tensor> regGrads = Autodiff.grad(reg, regularized.stream().map(params::get).toList());
            Map<String, Tensor> extra = new LinkedHashMap<>();
            for (int i = 0; i < regularized.size(); i++) {
                extra.put(regularized.get(i), regGrads.get(i));
            }
            g = g.map((p, t) -> extra.containsKey(p) ? t.add(extra.get(p)) : t);
        } else {
            reg = b.constant(0.0, DType.F32);
        }
        Map<String, Tensor> report = new LinkedHashMap<>();
        g = config.transform().apply(g, report);

        List<Tensor> outputs = new ArrayList<>();
        List<Port> out = new ArrayList<>();
        Tensor t = step.cast(DType.F32).add(1.0);
        Map<String, Map<String, Tensor>> newSlots = new LinkedHashMap<>();
        for (String p : trainable) {
            Map<String, Tensor> slots = new LinkedHashMap<>();
            for (String s : config.optimizer().slotNames()) {
                slots.put(s, input(b, in, Role.SLOT, slotName(p, s), slotName(p, s), spec(model, p).type()));
            }
            Tensor param = params.get(p);
            Optimizer.Update u = config.optimizer().update(param, g.get(p), slots, t, lr.cast(param.dtype()));
            output(outputs, out, Role.PARAMETER, p, "param/" + p, u.param());
            newSlots.put(p, u.slots());
        }
        newSlots.forEach((p, slots) -> slots.forEach((s, v) -> output(outputs, out, Role.SLOT, slotName(p, s),
                slotName(p, s), v)));
        Tensor dataLoss = lossSum.div(count);
        output(outputs, out, Role.METRIC, "data_loss", "metric/data_loss", dataLoss);
        output(outputs, out, Role.METRIC, "regularization_loss", "metric/regularization_loss", reg.cast(DType.F32));
        output(outputs, out, Role.METRIC, "loss", "metric/loss", dataLoss.add(reg.cast(DType.F32)));
        report.forEach((k, v) -> output(outputs, out, Role.METRIC, k, "metric/" + k, v));
        // Declared after everything above, so the parameter, slot and metric ops are traced as before.
        if (!state.isEmpty()) {
            Tensor replicas = input(b, in, Role.REPLICA_COUNT, REPLICA_COUNT, REPLICA_COUNT, COUNT);
            for (Port s : state) {
                Tensor sum = input(b, in, Role.STATE, s.path(), s.name(), s.type());
                // The mean over replicas; x / 1 is exact, so one process commits its local state bitwise.
                output(outputs, out, Role.STATE, s.path(), s.name(), sum.div(replicas.cast(s.type().dtype())));
            }
        }
        return new Program(b.buildTensors(outputs), in, out);
    }

    /**
     * 1 / count in the gradients' dtype: f32 for f32 models (the ops are those of every earlier
     * release), the wider type for f64 models, so the division is exact to f64 precision; narrower
     * types take the f32 reciprocal, which is closer than one computed in 16 bits.
     */
    private static Tensor reciprocal(Tensor count, DType dtype) {
        if (dtype == DType.F64) {
            Tensor c = count.cast(DType.F64);
            return c.scalar(1.0).div(c);
        }
        return count.scalar(1.0).div(count).cast(dtype);
    }

    private static Tensor input(GraphBuilder b, List<Port> ports, Role role, String path, String name,
                                TensorType type) {
        ports.add(new Port(role, path, name, type));
        return b.wrap(b.parameter(name, type));
    }

    private static void output(List<Tensor> outputs, List<Port> ports, Role role, String path, String name,
                               Tensor value) {
        outputs.add(value);
        ports.add(new Port(role, path, name, value.type()));
    }

    public static String slotName(String path, String slot) {
        return SLOT_PREFIX + path + "/" + slot;
    }

    private static List<String> trainablePaths(Module model, Config config) {
        List<String> out = new ArrayList<>();
        for (VariableSpec s : model.parameters()) {
            if (!config.frozen().contains(s.path())) {
                out.add(s.path());
            }
        }
        for (String f : config.frozen()) {
            if (model.variables().stream().noneMatch(v -> v.path().equals(f))) {
                throw new IllegalArgumentException("frozen path '" + f + "' is not a variable of " + model.describe());
            }
        }
        return out;
    }

    static VariableSpec spec(Module model, String path) {
        return model.variables().stream().filter(v -> v.path().equals(path)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no variable '" + path + "' in " + model.describe()));
    }

    private static Map<String, Tensor> declare(GraphBuilder b, String prefix, Map<String, TensorType> types) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        types.forEach((name, t) -> out.put(name, b.wrap(b.parameter(prefix + name, t))));
        return out;
    }

    private static Tensor zeros(GraphBuilder b, TensorType t) {
        return b.constant(0.0, t.dtype()).broadcastTo(t.shape());
    }
}
