package dev.lockstep.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.tensor.DType;
import dev.lockstep.device.conformance.ReferenceDevice;
import dev.lockstep.nn.layers.Activation;
import dev.lockstep.nn.layers.Conv;
import dev.lockstep.nn.layers.Dense;
import dev.lockstep.nn.layers.Flatten;
import dev.lockstep.nn.layers.Padding;
import dev.lockstep.nn.layers.Pooling;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A frozen subtree keeps its values while the rest trains; a small CNN's loss goes down. */
class FineTuningTest {
    @Test
    void frozenSubtreeIsUntouchedAndTheRestTrains() {
        Sequential body = Sequential.of("hidden", new Dense(6, Activation.Fn.TANH));
        Sequential model = Sequential.of("body", body, "head", new Dense(2));
        HostTensor[] data = Fixtures.regression(DType.F32, 8, 3, 2, 2);
        var features = Map.of("x", data[0].type());
        var labels = Map.of("y", data[1].type());
        TrainStep.gradientProgram(model, Fixtures.mse(model), features, labels, TrainStep.Config.of(new Optimizer.Sgd(), 1));
        var config = TrainStep.Config.of(new Optimizer.Sgd(), 1).freezing(body);
        try (TrainLoop loop = new TrainLoop(new ReferenceDevice(), model, Fixtures.mse(model), features, labels, config,
                new LearningRate.Constant(0.1))) {
            float[] bodyBefore = ((float[]) loop.values.get("body/hidden/kernel").array()).clone();
            float[] headBefore = ((float[]) loop.values.get("head/kernel").array()).clone();
            for (int i = 0; i < 3; i++) {
                loop.step(Map.of("x", data[0]), Map.of("y", data[1]));
            }
            assertArrayEquals(bodyBefore, (float[]) loop.values.get("body/hidden/kernel").array());
            assertFalse(Arrays.equals(headBefore, (float[]) loop.values.get("head/kernel").array()));
            assertTrue(loop.apply.inputs(Role.PARAMETER).stream().noneMatch(p -> p.path().startsWith("body/")));
        }
    }

    @Test
    void smallCnnLossDecreases() {
        Sequential cnn = Sequential.of(
                "conv", Conv.conv2d(4, 3, 1, Padding.SAME, Activation.Fn.RELU),
                "pool", Pooling.maxPooling2d(2),
                "flatten", new Flatten(),
                "logits", new Dense(3));
        var xType = TensorType.of(DType.F32, 6, 6, 6, 1);
        var yType = TensorType.of(DType.I32, 6);
        TrainStep.LossFn fn = (s, f, l) -> Losses.sparseSoftmaxCrossEntropy(cnn.call(s, f.get("x")), l.get("y"));
        java.util.SplittableRandom r = new java.util.SplittableRandom(4);
        float[] x = new float[6 * 36];
        int[] y = new int[6];
        for (int n = 0; n < 6; n++) {
            y[n] = n % 3;
            for (int i = 0; i < 36; i++) {
                // class k lights up row band k: learnable with a 3x3 conv and pooling
                x[n * 36 + i] = (float) ((i / 6) / 2 == y[n] ? 1 + 0.1 * r.nextDouble() : 0.1 * r.nextDouble());
            }
        }
        var features = Map.of("x", HostTensor.ofFloats(x, 6, 6, 6, 1));
        var labels = Map.of("y", HostTensor.ofInts(y, 6));
        try (TrainLoop loop = new TrainLoop(new ReferenceDevice(), cnn, fn, Map.of("x", xType), Map.of("y", yType),
                TrainStep.Config.of(Optimizer.Adam.standard(), 2), new LearningRate.Constant(0.05))) {
            double first = loop.step(features, labels).get(Role.METRIC, "loss").getDouble(0);
            double last = first;
            for (int i = 0; i < 30; i++) {
                last = loop.step(features, labels).get(Role.METRIC, "loss").getDouble(0);
            }
            assertTrue(last < first * 0.5, "loss " + first + " -> " + last);
        }
    }
}
