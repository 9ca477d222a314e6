package dev.lockstep.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.tensor.DType;
import dev.lockstep.device.conformance.ReferenceDevice;
import dev.lockstep.nn.layers.BatchNormalization;
import dev.lockstep.nn.layers.Dense;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * In TF 1.x custom estimators the batch-norm update ops were never run unless collected by hand, so the
 * moving statistics stayed at their initial values and evaluation diverged from training. Here the
 * updates are outputs of every traced training step.
 */
class BatchNormMovingStatisticsTest {
    @Test
    void movingStatisticsConvergeAndEvaluationLossIsLow() {
        Sequential model = Sequential.of("bn", new BatchNormalization(), "out", new Dense(1));
        var x = HostTensor.ofFloats(new float[] {0, 1, 2, 3}, 4, 1);
        var y = HostTensor.ofFloats(new float[] {0, -1, -2, -3}, 4, 1);
        var config = TrainStep.Config.of(Optimizer.Adam.standard(), 3);
        try (TrainLoop loop = new TrainLoop(new ReferenceDevice(), model, Fixtures.mse(model),
                Map.of("x", x.type()), Map.of("y", y.type()), config, new LearningRate.Constant(0.001))) {
            for (int i = 0; i < 5000; i++) {
                loop.step(Map.of("x", x), Map.of("y", y));
            }
            // Documented estimator: the moving variance tracks the biased batch variance (1.25 here).
            assertEquals(1.5, loop.values.get("bn/moving_mean").getDouble(0), 1e-3);
            assertEquals(1.25, loop.values.get("bn/moving_variance").getDouble(0), 1e-3);
            double[] losses = loop.evaluate(Map.of("x", x), Map.of("y", y)).toDoubles();
            double mean = java.util.Arrays.stream(losses).average().orElseThrow();
            assertTrue(mean < 0.05, "evaluation loss with moving statistics " + mean);
        }
    }

    @Test
    void unbiasedOptionTracksTheUnbiasedVariance() {
        Sequential model = Sequential.of("bn", new BatchNormalization().unbiasedMovingVariance().withMomentum(0.5),
                "out", new Dense(1));
        var x = HostTensor.ofFloats(new float[] {0, 1, 2, 3}, 4, 1);
        var y = HostTensor.ofFloats(new float[] {0, -1, -2, -3}, 4, 1);
        try (TrainLoop loop = new TrainLoop(new ReferenceDevice(), model, Fixtures.mse(model), Map.of("x", x.type()),
                Map.of("y", y.type()), TrainStep.Config.of(new Optimizer.Sgd(), 3), new LearningRate.Constant(0.01))) {
            for (int i = 0; i < 60; i++) {
                loop.step(Map.of("x", x), Map.of("y", y));
            }
            assertEquals(5.0 / 3.0, loop.values.get("bn/moving_variance").getDouble(0), 1e-3);
        }
    }

    @Test
    void evaluationDoesNotChangeState() {
        Sequential model = Sequential.of("bn", new BatchNormalization(), "out", new Dense(1));
        var x = HostTensor.ofFloats(new float[] {0, 1, 2, 3}, 4, 1);
        try (TrainLoop loop = new TrainLoop(new ReferenceDevice(), model, Fixtures.mse(model), Map.of("x", x.type()),
                Map.of("y", TensorType.of(DType.F32, 4, 1)), TrainStep.Config.of(new Optimizer.Sgd(), 3),
                new LearningRate.Constant(0.01))) {
            double before = loop.values.get("bn/moving_mean").getDouble(0);
            loop.evaluate(Map.of("x", x), Map.of("y", x));
            assertEquals(before, loop.values.get("bn/moving_mean").getDouble(0));
        }
    }
}
