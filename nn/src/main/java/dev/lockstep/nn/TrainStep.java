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
 * the new layer state; the apply program takes gradients summed over every worker and micro-batch,
 * divides by the example count, adds the regularization gradient once, runs the gradient transforms
 * and the optimizer, and outputs new parameters, slots and metrics.
 */
public final class TrainStep {
    public static final String EXAMPLE_COUNT = "lockstep/example_count";
    public static final String LEARNING_RATE = "lockstep/learning_rate";
    public static final String LOSS_SUM = "loss_sum";

    private TrainStep() {}

    /** The model function: per-example losses [local batch] from named features and labels. */
    @FunctionalInterface
    public interface LossFn {
        Tensor perExample(Scope scope, Map<String, Tensor> features, Map<String, Tensor> labels);
    }

    /** Optimizer, transforms, and which parameters are frozen or may go without gradient. */
    public record Config(Optimizer optimizer, GradientTransform transform, Set<String> frozen,
                         boolean allowUnusedParameters, long seed) {
        public Config {
            frozen = Set.copyOf(frozen);
        }

        public static Config of(Optimizer optimizer, long seed) {
            return new Config(optimizer, GradientTransform.chain(), Set.of(), false, seed);
        }

        public Config withTransform(GradientTransform t) {
            return new Config(optimizer, t, frozen, allowUnusedParameters, seed);
        }

        public Config withFrozen(Set<String> paths) {
            return new Config(optimizer, transform, paths, allowUnusedParameters, seed);
        }

        /** Also freezes every variable of {@code subtree} (for fine-tuning the rest of the model). */
        public Config freezing(Module subtree) {
            Set<String> all = new java.util.HashSet<>(frozen);
            subtree.parameters().forEach(v -> all.add(v.path()));
            return withFrozen(all);
        }

        public Config allowingUnusedParameters() {
            return new Config(optimizer, transform, frozen, true, seed);
        }
    }

    /** Traces the gradient program; builds the model's variables on first use. */
    public static Program gradientProgram(Module model, LossFn lossFn, Map<String, TensorType> features,
                                          Map<String, TensorType> labels, Config config) {
        GraphBuilder b = new GraphBuilder();
        Map<String, Tensor> f = declare(b, "features/", features);
        Map<String, Tensor> l = declare(b, "labels/", labels);
        Scope scope = new Scope(b, Mode.TRAIN, model, config.seed());
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
        List<String> names = new ArrayList<>(List.of(LOSS_SUM));
        int k = 0;
        for (String p : trainable) {
            if (scope.variableValues().containsKey(p)) {
                outputs.add(grads.values().get(k++));
            } else {
                outputs.add(zeros(b, spec(model, p).type()));
            }
            names.add("grad/" + p);
        }
        for (VariableSpec s : model.state()) {
            Tensor updated = scope.stateUpdates().get(s.path());
            if (updated != null) {
                outputs.add(updated);
                names.add("state/" + s.path());
            }
        }
        return new Program(b.buildTensors(outputs), names);
    }

    /** Traces the apply program for the model's (already built) trainable parameters. */
    public static Program applyProgram(Module model, Config config) {
        GraphBuilder b = new GraphBuilder();
        List<String> trainable = trainablePaths(model, config);
        if (trainable.isEmpty()) {
            throw new IllegalArgumentException("model " + model.describe() + " has no trainable parameters; trace the "
                    + "gradient program first so the layers build their parameters");
        }
        Map<String, Tensor> params = new LinkedHashMap<>();
        Map<String, Tensor> grads = new LinkedHashMap<>();
        for (String p : trainable) {
            params.put(p, b.wrap(b.parameter("param/" + p, spec(model, p).type())));
        }
        for (String p : trainable) {
            grads.put(p, b.wrap(b.parameter("grad/" + p, spec(model, p).type())));
        }
        Tensor count = b.input(EXAMPLE_COUNT, DType.F32);
        Tensor step = b.input(Scope.STEP, DType.I64);
        Tensor lr = b.input(LEARNING_RATE, DType.F32);
        // The gradient program sums losses in the model's dtype; metrics are reported in f32.
        Tensor lossSum = b.input(LOSS_SUM, spec(model, trainable.getFirst()).type().dtype()).cast(DType.F32);

        // Sum over the global batch / example count; the reciprocal is computed once on the scalar so
        // the per-element work is a multiply, which fuses into the optimizer's pass more cheaply.
        Gradients g = new Gradients(grads).map((p, t) -> t.mul(count.scalar(1.0).div(count).cast(t.dtype())));
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
        List<String> names = new ArrayList<>();
        Tensor t = step.cast(DType.F32).add(1.0);
        Map<String, Map<String, Tensor>> newSlots = new LinkedHashMap<>();
        for (String p : trainable) {
            Map<String, Tensor> slots = new LinkedHashMap<>();
            for (String s : config.optimizer().slotNames()) {
                slots.put(s, b.wrap(b.parameter(slotName(p, s), spec(model, p).type())));
            }
            Tensor param = params.get(p);
            Optimizer.Update u = config.optimizer().update(param, g.get(p), slots, t, lr.cast(param.dtype()));
            outputs.add(u.param());
            names.add("param/" + p);
            newSlots.put(p, u.slots());
        }
        newSlots.forEach((p, slots) -> slots.forEach((s, v) -> {
            outputs.add(v);
            names.add(slotName(p, s));
        }));
        Tensor dataLoss = lossSum.div(count);
        outputs.add(dataLoss);
        names.add("metric/data_loss");
        outputs.add(reg.cast(DType.F32));
        names.add("metric/regularization_loss");
        outputs.add(dataLoss.add(reg.cast(DType.F32)));
        names.add("metric/loss");
        report.forEach((k, v) -> {
            outputs.add(v);
            names.add("metric/" + k);
        });
        return new Program(b.buildTensors(outputs), names);
    }

    public static String slotName(String path, String slot) {
        return "slot/" + path + "/" + slot;
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
