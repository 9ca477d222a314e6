package dev.lockstep.estimator.checkpoint;

import dev.lockstep.nn.InitialValues;
import dev.lockstep.nn.Module;
import dev.lockstep.nn.TrainStep;
import dev.lockstep.tensor.TensorType;
import java.util.Map;
import java.util.TreeMap;

/** What a checkpoint of a model must hold, derived from the module tree, for {@link Checkpoint#requireTypes}. */
public final class ModelLayout {
    private ModelLayout() {
    }

    /**
     * Every variable (parameters and layer state) by path, plus each optimizer slot of every trainable,
     * non-frozen parameter under {@link TrainStep#slotName}: exactly the tensors the apply program reads.
     * The list itself lives in {@link InitialValues}, next to the values a fresh run starts from.
     * The model must be built (traced once) so its variables exist.
     */
    public static Map<String, TensorType> expectedTypes(Module model, TrainStep.Config config) {
        Map<String, TensorType> out = new TreeMap<>(InitialValues.types(model, config));
        if (out.isEmpty()) {
            throw new IllegalArgumentException("model " + model.describe() + " has no variables yet; trace it once "
                    + "so its layers build them");
        }
        return out;
    }
}
