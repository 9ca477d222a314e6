package dev.lockstep.estimator.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lockstep.tensor.DType;
import dev.lockstep.nn.Losses;
import dev.lockstep.nn.Optimizer;
import dev.lockstep.nn.Sequential;
import dev.lockstep.nn.TrainStep;
import dev.lockstep.nn.layers.BatchNormalization;
import dev.lockstep.nn.layers.Dense;
import dev.lockstep.tensor.TensorType;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelLayoutTest {
    @Test
    void parametersStateAndSlotsOfUnfrozenParameters() {
        Sequential model = Sequential.of("bn", new BatchNormalization(), "out", new Dense(2));
        var config = TrainStep.Config.of(Optimizer.Adam.standard(), 1).withFrozen(Set.of("bn/gamma", "bn/beta"));
        TensorType x = TensorType.of(DType.F32, 4, 3);
        TrainStep.gradientProgram(model, (scope, f, l) -> Losses.meanSquaredError(model.call(scope, f.get("x")),
                l.get("y")), Map.of("x", x), Map.of("y", TensorType.of(DType.F32, 4, 2)), config);

        TensorType c3 = TensorType.of(DType.F32, 3);
        TensorType k = TensorType.of(DType.F32, 3, 2);
        TensorType b = TensorType.of(DType.F32, 2);
        Map<String, TensorType> expected = Map.of(
                "bn/gamma", c3, "bn/beta", c3, "bn/moving_mean", c3, "bn/moving_variance", c3,
                "out/kernel", k, "out/bias", b,
                "slot/out/kernel/adam_m", k, "slot/out/kernel/adam_v", k,
                "slot/out/bias/adam_m", b, "slot/out/bias/adam_v", b);
        assertEquals(expected, ModelLayout.expectedTypes(model, config));
    }
}
