package dev.lockstep.nn;

import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place that says which tensors a training state holds and what they start as: every
 * variable of the (built) model by path, from its initializer, the seed and the path (invariant 4),
 * and every optimizer slot of each trainable, non-frozen parameter under {@link TrainStep#slotName},
 * filled with the optimizer's initial value. Checkpoints are checked against {@link #types}.
 */
public final class InitialValues {
    private InitialValues() {}

    public static Map<String, HostTensor> of(Module model, TrainStep.Config config) {
        Map<String, HostTensor> values = new LinkedHashMap<>();
        for (VariableSpec v : model.variables()) {
            values.put(v.path(), HostTensor.fromDoubles(v.type(),
                    v.initializer().values(v.type().shape(), v.path(), config.seed())));
            for (String s : slots(v, config)) {
                double[] init = new double[(int) v.type().shape().size()];
                Arrays.fill(init, config.optimizer().slotInitialValue(s));
                values.put(TrainStep.slotName(v.path(), s), HostTensor.fromDoubles(v.type(), init));
            }
        }
        return values;
    }

    /** The keys and types of {@link #of}, without computing any value. */
    public static Map<String, TensorType> types(Module model, TrainStep.Config config) {
        Map<String, TensorType> out = new LinkedHashMap<>();
        for (VariableSpec v : model.variables()) {
            out.put(v.path(), v.type());
            for (String s : slots(v, config)) {
                out.put(TrainStep.slotName(v.path(), s), v.type());
            }
        }
        return out;
    }

    private static java.util.List<String> slots(VariableSpec v, TrainStep.Config config) {
        return v.trainable() && !config.frozen().contains(v.path()) ? config.optimizer().slotNames()
                : java.util.List.of();
    }
}
