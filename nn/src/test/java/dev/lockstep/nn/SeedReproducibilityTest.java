package dev.lockstep.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.lockstep.tensor.DType;
import dev.lockstep.device.conformance.ReferenceDevice;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.Shape;
import dev.lockstep.nn.layers.Activation;
import dev.lockstep.nn.layers.Dense;
import dev.lockstep.nn.layers.Dropout;
import dev.lockstep.tensor.TensorType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One seed fixes everything: initial values, dropout masks, and so every parameter after training. */
class SeedReproducibilityTest {
    private static Map<String, HostTensor> train(long seed) {
        Sequential model = Sequential.of("hidden", new Dense(8, Activation.Fn.RELU), "drop", new Dropout(0.3),
                "out", new Dense(2));
        HostTensor[] data = Fixtures.regression(DType.F32, 16, 4, 2, 1);
        try (TrainLoop loop = new TrainLoop(new ReferenceDevice(), model, Fixtures.mse(model),
                Map.of("x", data[0].type()), Map.of("y", data[1].type()),
                TrainStep.Config.of(Optimizer.Adam.standard(), seed), new LearningRate.Constant(0.01))) {
            for (int i = 0; i < 100; i++) {
                loop.step(Map.of("x", data[0]), Map.of("y", data[1]));
            }
            return loop.values;
        }
    }

    @Test
    void sameSeedGivesBitwiseIdenticalParametersAfter100Steps() {
        var first = train(17);
        var second = train(17);
        for (var e : first.entrySet()) {
            assertArrayEquals((float[]) e.getValue().array(), (float[]) second.get(e.getKey()).array(), e.getKey());
        }
        var other = train(18);
        assertFalse(java.util.Arrays.equals((float[]) first.get("out/kernel").array(),
                (float[]) other.get("out/kernel").array()), "a different seed must give different parameters");
    }

    @Test
    void initialValuesDependOnSeedAndPathOnlySoInsertingALayerChangesNothingElse() {
        var init = new Initializer.GlorotUniform();
        Shape s = Shape.of(4, 3);
        assertArrayEquals(init.values(s, "encoder/dense/kernel", 5), init.values(s, "encoder/dense/kernel", 5));
        Sequential before = Sequential.of("a", new Dense(3), "b", new Dense(3));
        Sequential after = Sequential.of("a", new Dense(3), "inserted", new Dense(3), "b", new Dense(3));
        var features = Map.of("x", TensorType.of(DType.F32, 2, 3));
        var labels = Map.of("y", TensorType.of(DType.F32, 2, 3));
        var config = TrainStep.Config.of(new Optimizer.Sgd(), 5);
        TrainStep.gradientProgram(before, Fixtures.mse(before), features, labels, config);
        TrainStep.gradientProgram(after, Fixtures.mse(after), features, labels, config);
        VariableSpec b1 = TrainStep.spec(before, "b/kernel"), b2 = TrainStep.spec(after, "b/kernel");
        assertArrayEquals(b1.initializer().values(b1.type().shape(), b1.path(), 5),
                b2.initializer().values(b2.type().shape(), b2.path(), 5));
        double mean = java.util.Arrays.stream(init.values(Shape.of(100, 100), "p", 1)).average().orElseThrow();
        assertEquals(0.0, mean, 0.01, "Glorot uniform values are centred");
    }
}
