package dev.lockstep.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lockstep.tensor.DType;
import dev.lockstep.device.conformance.ReferenceDevice;
import dev.lockstep.nn.layers.Activation;
import dev.lockstep.nn.layers.Dense;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * tf.contrib.layers.l2_regularizer is lambda/2 * sum(w^2) and Keras' l2 is lambda * sum(w^2): a factor of
 * 2 that silently changed results. Both exist here under names that say which, and the regularization
 * loss is collected from the tree, added once and reported apart from the data loss.
 */
class L2ConventionsTest {
    private static double regularizationLoss(Regularizer r) {
        Dense dense = new Dense(10, Activation.Fn.LINEAR, false, new Initializer.Constant(1), r, null);
        Sequential model = Sequential.of("dense", dense);
        var config = TrainStep.Config.of(new Optimizer.Sgd(), 1);
        try (TrainLoop loop = new TrainLoop(new ReferenceDevice(), model, Fixtures.mse(model),
                Fixtures.types(DType.F32, 1, 784), Map.of("y", TensorType.of(DType.F32, 1, 10)), config,
                new LearningRate.Constant(1e-9))) {
            var out = loop.step(Map.of("x", HostTensor.zeros(TensorType.of(DType.F32, 1, 784))),
                    Map.of("y", HostTensor.zeros(TensorType.of(DType.F32, 1, 10))));
            assertEquals(0.0, out.get(Role.METRIC, "data_loss").getDouble(0), 0.0, "zero inputs and targets: no data loss");
            double reg = out.get(Role.METRIC, "regularization_loss").getDouble(0);
            assertEquals(reg, out.get(Role.METRIC, "loss").getDouble(0), 1e-6, "loss = data loss + regularization, once");
            return reg;
        }
    }

    @Test
    void kerasL2IsLambdaTimesSumOfSquares() {
        assertEquals(78.4, regularizationLoss(new Regularizer.L2SumOfSquares(0.01)), 1e-4);
    }

    @Test
    void tfL2RegularizerIsHalfLambdaTimesSumOfSquares() {
        assertEquals(39.2, regularizationLoss(new Regularizer.L2HalfSumOfSquares(0.01)), 1e-4);
    }

    @Test
    void l1IsLambdaTimesSumOfAbsoluteValues() {
        assertEquals(78.4, regularizationLoss(new Regularizer.L1(0.01)), 1e-4);
    }
}
