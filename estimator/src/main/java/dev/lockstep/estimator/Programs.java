package dev.lockstep.estimator;

import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Tensor;
import dev.lockstep.nn.Mode;
import dev.lockstep.nn.Module;
import dev.lockstep.nn.Optimizer;
import dev.lockstep.nn.Program;
import dev.lockstep.nn.Scope;
import dev.lockstep.nn.TrainStep;
import dev.lockstep.nn.VariableSpec;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Traces the EVAL and PREDICT programs and makes initial values; TRAIN programs come from {@link TrainStep}. */
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
        List<String> names = new ArrayList<>();
        if (mode == Mode.PREDICT) {
            out.predictions().forEach((k, t) -> {
                outputs.add(t);
                names.add("prediction/" + k);
            });
        } else {
            if (out.perExampleLoss() == null) {
                throw new IllegalArgumentException("the model function returned no loss in " + mode + " mode");
            }
            outputs.add(out.perExampleLoss().sum(0));
            names.add(TrainStep.LOSS_SUM);
            out.metrics().forEach((metric, m) -> m.sums().forEach((sum, t) -> {
                outputs.add(t);
                names.add("metric/" + metric + "/" + sum);
            }));
        }
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException("the model function returned nothing to compute in " + mode + " mode");
        }
        return new Program(b.buildTensors(outputs), names);
    }

    /** Initial values of every variable (from its initializer, seed and path) and every optimizer slot. */
    static Map<String, HostTensor> initialValues(Module model, Optimizer optimizer, long seed) {
        Map<String, HostTensor> values = new LinkedHashMap<>();
        for (VariableSpec v : model.variables()) {
            values.put(v.path(), HostTensor.fromDoubles(v.type(), v.initializer().values(v.type().shape(), v.path(), seed)));
            if (v.trainable()) {
                for (String s : optimizer.slotNames()) {
                    double[] init = new double[(int) v.type().shape().size()];
                    java.util.Arrays.fill(init, optimizer.slotInitialValue(s));
                    values.put(TrainStep.slotName(v.path(), s), HostTensor.fromDoubles(v.type(), init));
                }
            }
        }
        return values;
    }

    static Map<String, TensorType> types(Map<String, HostTensor> tensors) {
        Map<String, TensorType> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(k, v.type()));
        return out;
    }
}
