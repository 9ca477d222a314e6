package dev.lockstep.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lockstep.device.conformance.ReferenceDevice;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The apply program divides summed gradients by the example count. An f32 reciprocal of 3 is off by
 * 3e-8 relative, which an f64 model must not inherit: its update has to be exact to f64 precision.
 */
class ExampleCountReciprocalTest {
    @Test
    void anF64ModelDividesByTheExampleCountInF64() {
        Module model = Fixtures.mlp(3, 1);
        HostTensor[] data = Fixtures.regression(DType.F64, 3, 2, 1, 17);
        try (TrainLoop loop = new TrainLoop(new ReferenceDevice(), model, Fixtures.mse(model),
                Map.of("x", data[0].type()), Map.of("y", data[1].type()), TrainStep.Config.of(new Optimizer.Sgd(), 5),
                new LearningRate.Constant(1.0))) {
            TrainLoop.Outputs summed = loop.gradients(Map.of("x", data[0]), Map.of("y", data[1]));
            Map<String, HostTensor> before = Map.copyOf(loop.values);
            loop.step(Map.of("x", data[0]), Map.of("y", data[1]));
            int checked = 0;
            for (Port g : loop.gradient.outputs(Role.GRADIENT)) {
                double[] p0 = before.get(g.path()).toDoubles(), sum = summed.get(Role.GRADIENT, g.path()).toDoubles();
                double[] p1 = loop.values.get(g.path()).toDoubles();
                for (int i = 0; i < p0.length; i++) {
                    double expected = p0[i] - sum[i] * (1.0 / 3) * 1.0;
                    assertEquals(expected, p1[i], Math.ulp(expected), g.path() + "[" + i + "]");
                    checked++;
                }
            }
            assertEquals(13, checked, "every element of hidden/kernel, hidden/bias, out/kernel and out/bias");
        }
    }
}
