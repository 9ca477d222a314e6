package dev.lockstep.estimator;

import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Tensor;
import dev.lockstep.nn.GradientTransform;
import dev.lockstep.nn.Mode;
import dev.lockstep.nn.Module;
import dev.lockstep.nn.Optimizer;
import dev.lockstep.nn.Port;
import dev.lockstep.nn.Program;
import dev.lockstep.nn.Role;
import dev.lockstep.nn.Scope;
import dev.lockstep.nn.TrainStep;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Traces the EVAL and PREDICT programs; TRAIN programs come from {@link TrainStep}. */
final class Programs {
    private Programs() {}

    /**
     * EVAL: outputs "loss_sum" and every metric's sums as "metric/NAME/SUM"; PREDICT: every prediction as
     * "prediction/NAME". Both read the variables by path, like the training programs.
     */
    static Program trace(Module model, ModelFn fn, Mode mode, Map<String, TensorType> features,
                         Map<String, TensorType> labels, long seed) {
        GraphBuilder b = new GraphBuilder();
        Map<String, Tensor> f = new LinkedHashMap<>(), l = new LinkedHashMap<>();
        features.forEach((k, t) -> f.put(k, b.wrap(b.parameter("features/" + k, t))));
        if (mode != Mode.PREDICT) {
            labels.forEach((k, t) -> l.put(k, b.wrap(b.parameter("labels/" + k, t))));
        }
        Scope scope = new Scope(b, mode, model, seed);
        ModelOutput out = fn.apply(scope, f, l, mode);
        List<String> declared = new ArrayList<>();
        f.keySet().forEach(k -> declared.add("features/" + k));
        l.keySet().forEach(k -> declared.add("labels/" + k));
        scope.checkInputsOwned(declared);
        List<Tensor> outputs = new ArrayList<>();
        List<Port> ports = new ArrayList<>();
        if (mode == Mode.PREDICT) {
            out.predictions().forEach((k, t) -> {
                outputs.add(t);
                ports.add(new Port(Role.PREDICTION, k, "prediction/" + k, t.type()));
            });
        } else {
            if (out.perExampleLoss() == null) {
                throw new IllegalArgumentException("the model function returned no loss in " + mode + " mode");
            }
            Tensor lossSum = out.perExampleLoss().sum(0);
            outputs.add(lossSum);
            ports.add(new Port(Role.LOSS_SUM, TrainStep.LOSS_SUM, TrainStep.LOSS_SUM, lossSum.type()));
            out.metrics().forEach((metric, m) -> m.sums().forEach((sum, t) -> {
                outputs.add(t);
                ports.add(new Port(Role.METRIC_SUM, metric + "/" + sum, "metric/" + metric + "/" + sum, t.type()));
            }));
        }
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException("the model function returned nothing to compute in " + mode + " mode");
        }
        List<Port> batch = new ArrayList<>();
        features.forEach((k, t) -> batch.add(new Port(Role.FEATURE, k, "features/" + k, t)));
        if (mode != Mode.PREDICT) {
            labels.forEach((k, t) -> batch.add(new Port(Role.LABEL, k, "labels/" + k, t)));
        }
        return Program.traced(b.buildTensors(outputs), scope, batch, ports);
    }

    /** The training configuration an estimator traces with (no frozen paths). */
    static TrainStep.Config config(Optimizer optimizer, GradientTransform transform, long seed,
                                   dev.lockstep.nn.BatchStatistics batchStatistics) {
        return new TrainStep.Config(optimizer, transform, java.util.Set.of(), false, seed, batchStatistics);
    }

    /** The model function's per-example loss in TRAIN mode, as the training step traces it. */
    static TrainStep.LossFn trainLoss(ModelFn modelFn) {
        return (scope, f, l) -> {
            ModelOutput out = modelFn.apply(scope, f, l, Mode.TRAIN);
            if (out.perExampleLoss() == null) {
                throw new IllegalArgumentException("the model function returned no loss in TRAIN mode");
            }
            return out.perExampleLoss();
        };
    }

    static Map<String, TensorType> types(Map<String, HostTensor> tensors) {
        Map<String, TensorType> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(k, v.type()));
        return out;
    }
}
