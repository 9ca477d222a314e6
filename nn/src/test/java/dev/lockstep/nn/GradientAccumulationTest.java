package dev.lockstep.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lockstep.tensor.DType;
import dev.lockstep.device.conformance.ReferenceDevice;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Accumulating k micro-batches must equal one batch k times larger (the objective is global). */
class GradientAccumulationTest {
    private static Map<String, HostTensor> trainOnce(List<Map<String, HostTensor>> xs, List<Map<String, HostTensor>> ys,
                                                     int micro) {
        Sequential model = Fixtures.mlp(6, 2);
        var config = TrainStep.Config.of(new Optimizer.Momentum(0.9, false), 11);
        try (TrainLoop loop = new TrainLoop(new ReferenceDevice(), model, Fixtures.mse(model),
                Fixtures.types(DType.F64, micro, 5), Map.of("y", TensorType.of(DType.F64, micro, 2)), config,
                new LearningRate.Constant(0.1))) {
            for (int s = 0; s < 3; s++) {
                loop.step(xs, ys);
            }
            return loop.values;
        }
    }

    @Test
    void fourMicroBatchesOfEightEqualOneBatchOfThirtyTwo() {
        HostTensor[] data = Fixtures.regression(DType.F64, 32, 5, 2, 5);
        var whole = trainOnce(List.of(Map.of("x", data[0])), List.of(Map.of("y", data[1])), 32);
        List<Map<String, HostTensor>> xs = new ArrayList<>(), ys = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            xs.add(Map.of("x", Fixtures.rows(data[0], 8 * i, 8 * i + 8)));
            ys.add(Map.of("y", Fixtures.rows(data[1], 8 * i, 8 * i + 8)));
        }
        var accumulated = trainOnce(xs, ys, 8);
        double changed = 0;
        for (var e : whole.entrySet()) {
            double[] a = e.getValue().toDoubles(), b = accumulated.get(e.getKey()).toDoubles();
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-6, e.getKey() + "[" + i + "]");
            }
        }
        // Guard against a vacuous pass: training must actually have moved the parameters.
        double[] init = new Initializer.GlorotUniform().values(whole.get("hidden/kernel").shape(), "hidden/kernel", 11);
        double[] trained = whole.get("hidden/kernel").toDoubles();
        for (int i = 0; i < init.length; i++) {
            changed += Math.abs(init[i] - trained[i]);
        }
        assertEquals(true, changed > 1e-3, "parameters moved by " + changed);
    }
}
