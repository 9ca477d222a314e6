package dev.lockstep.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lockstep.tensor.DType;
import dev.lockstep.device.conformance.ReferenceDevice;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Fetching gradients by name was fragile in TF 1.x; here they are a map by path, checked numerically. */
class GradientsByPathTest {
    @Test
    void gradientsFetchedByPathEqualFiniteDifferences() {
        Sequential model = Fixtures.mlp(4, 2);
        HostTensor[] data = Fixtures.regression(DType.F64, 6, 3, 2, 9);
        var features = Map.of("x", data[0]);
        var labels = Map.of("y", data[1]);
        try (TrainLoop loop = new TrainLoop(new ReferenceDevice(), model, Fixtures.mse(model),
                Map.of("x", data[0].type()), Map.of("y", data[1].type()), TrainStep.Config.of(new Optimizer.Sgd(), 4),
                new LearningRate.Constant(0.1))) {
            TrainLoop.Outputs analytic = loop.gradients(features, labels);
            for (String path : new String[] {"hidden/kernel", "hidden/bias", "out/kernel", "out/bias"}) {
                double[] g = analytic.get(Role.GRADIENT, path).toDoubles();
                HostTensor original = loop.values.get(path);
                double[] w = original.toDoubles();
                for (int i = 0; i < w.length; i++) {
                    double eps = 1e-6;
                    double[] plus = w.clone(), minus = w.clone();
                    plus[i] += eps;
                    minus[i] -= eps;
                    double fd = (lossSum(loop, path, plus, original.type(), features, labels)
                            - lossSum(loop, path, minus, original.type(), features, labels)) / (2 * eps);
                    assertEquals(fd, g[i], 1e-6 * Math.max(1, Math.abs(fd)), path + "[" + i + "]");
                }
                loop.values.put(path, original);
            }
        }
    }

    private static double lossSum(TrainLoop loop, String path, double[] w, TensorType t, Map<String, HostTensor> f,
                                  Map<String, HostTensor> l) {
        loop.values.put(path, HostTensor.fromDoubles(t, w));
        return loop.gradients(f, l).get(Role.LOSS_SUM).getDouble(0);
    }
}
