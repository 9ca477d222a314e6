package dev.lockstep.estimator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lockstep.tensor.DType;
import dev.lockstep.device.conformance.ReferenceDevice;
import dev.lockstep.nn.LearningRate;
import dev.lockstep.nn.Losses;
import dev.lockstep.nn.Module;
import dev.lockstep.nn.Optimizer;
import dev.lockstep.nn.InitialValues;
import dev.lockstep.nn.StepLayout;
import dev.lockstep.nn.Sequential;
import dev.lockstep.nn.TrainStep;
import dev.lockstep.nn.layers.Activation;
import dev.lockstep.nn.layers.BatchNormalization;
import dev.lockstep.nn.layers.Dense;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StepRunnerTest {
    static TrainStep.LossFn mse(Module m) {
        return (s, f, l) -> Losses.meanSquaredError(m.call(s, f.get("x")), l.get("y"));
    }

    static StepRunner runner(Module model, int micro, DType d, TrainStep.Config config) {
        StepLayout layout = TrainStep.layout(model, mse(model), Map.of("x", TensorType.of(d, micro, 3)),
                Map.of("y", TensorType.of(d, micro, 1)), config);
        return new StepRunner(new ReferenceDevice(), layout, InitialValues.of(model, config), GradientReducer.IDENTITY);
    }

    static List<Map<String, HostTensor>> batches(DType d, int total, int micro, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Map<String, HostTensor>> out = new ArrayList<>();
        for (int m = 0; m < total / micro; m++) {
            double[] x = new double[micro * 3], y = new double[micro];
            for (int i = 0; i < micro; i++) {
                for (int k = 0; k < 3; k++) {
                    x[i * 3 + k] = r.nextDouble(-1, 1);
                }
                y[i] = x[i * 3] - 2 * x[i * 3 + 1] + 0.5;
            }
            out.add(Map.of("features/x", HostTensor.fromDoubles(TensorType.of(d, micro, 3), x),
                    "labels/y", HostTensor.fromDoubles(TensorType.of(d, micro, 1), y)));
        }
        return out;
    }

    @Test
    void deviceResidentAccumulationOfFourMicroBatchesMatchesOneBatchOf32() {
        var config = TrainStep.Config.of(Optimizer.Adam.standard(), 3);
        Map<String, HostTensor> one, four;
        try (StepRunner big = runner(mlp(), 32, DType.F64, config)) {
            for (int s = 0; s < 3; s++) {
                big.step(batches(DType.F64, 32, 32, s), s, 32L * s, 0.01);
            }
            one = big.values();
        }
        try (StepRunner small = runner(mlp(), 8, DType.F64, config)) {
            for (int s = 0; s < 3; s++) {
                small.step(batches(DType.F64, 32, 8, s), s, 32L * s, 0.01);
            }
            four = small.values();
        }
        for (String k : one.keySet()) {
            double[] a = one.get(k).toDoubles(), b = four.get(k).toDoubles();
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-6, k + "[" + i + "]");
            }
        }
    }

    @Test
    void batchNormStateFlowsThroughEveryMicroBatchInOrder() {
        var config = TrainStep.Config.of(new Optimizer.Sgd(), 3);
        try (StepRunner r = runner(model(), 2, DType.F64, config)) {
            List<Map<String, HostTensor>> micro = new ArrayList<>();
            for (double v : new double[] {1, 5}) {
                micro.add(Map.of("features/x", HostTensor.fromDoubles(TensorType.of(DType.F64, 2, 3),
                                new double[] {v, v, v, v, v, v}),
                        "labels/y", HostTensor.zeros(TensorType.of(DType.F64, 2, 1))));
            }
            r.step(micro, 0, 0, 0.01);
            // m1 = 0.01 * 1; m2 = 0.99 * m1 + 0.01 * 5
            assertEquals(0.99 * 0.01 + 0.05, r.values().get("bn/moving_mean").getDouble(0), 1e-12);
        }
    }

    static Module mlp() {
        return Sequential.of("hidden", new Dense(4, Activation.Fn.TANH), "out", new Dense(1));
    }

    static Module model() {
        return Sequential.of("bn", new BatchNormalization(), "hidden", new Dense(4, Activation.Fn.TANH),
                "out", new Dense(1));
    }

    @Test
    void aFailedStepLeavesEveryValueAsItWas() {
        var config = TrainStep.Config.of(new Optimizer.Momentum(0.9, false), 3);
        try (StepRunner r = runner(model(), 8, DType.F32, config)) {
            r.step(batches(DType.F32, 8, 8, 1), 0, 0, 0.1);
            Map<String, HostTensor> before = r.values();
            var bad = new LinkedHashMap<>(batches(DType.F32, 8, 8, 2).getFirst());
            bad.put("labels/y", HostTensor.zeros(TensorType.of(DType.F32, 7, 1)));
            var e = assertThrows(IllegalArgumentException.class, () -> r.step(List.of(bad), 1, 8, 0.1));
            assertEquals(true, e.getMessage().contains("labels/y"), e.getMessage());
            Map<String, HostTensor> after = r.values();
            for (String k : before.keySet()) {
                assertArrayEquals((float[]) before.get(k).array(), (float[]) after.get(k).array(), k);
            }
        }
    }

    @Test
    void aFailingReducerLeavesParametersSlotsAndBatchNormStateAsTheyWere() {
        var config = TrainStep.Config.of(new Optimizer.Momentum(0.9, false), 3);
        Module model = model();
        StepLayout layout = TrainStep.layout(model, mse(model), Map.of("x", TensorType.of(DType.F32, 8, 3)),
                Map.of("y", TensorType.of(DType.F32, 8, 1)), config);
        boolean[] fail = {false};
        GradientReducer flaky = (l, payload) -> {
            if (fail[0]) {
                throw new IllegalStateException("rank 1 did not answer the all-reduce");
            }
        };
        try (StepRunner r = new StepRunner(new ReferenceDevice(), layout, InitialValues.of(model, config), flaky)) {
            r.step(batches(DType.F32, 8, 8, 1), 0, 0, 0.1);
            Map<String, HostTensor> before = r.values();
            fail[0] = true;
            assertThrows(IllegalStateException.class, () -> r.step(batches(DType.F32, 8, 8, 2), 1, 8, 0.1));
            Map<String, HostTensor> after = r.values();
            assertEquals(true, before.containsKey("bn/moving_mean"));
            for (String k : before.keySet()) {
                assertArrayEquals((float[]) before.get(k).array(), (float[]) after.get(k).array(), k);
            }
            fail[0] = false;
            r.step(batches(DType.F32, 8, 8, 2), 1, 8, 0.1);
            assertEquals(false, java.util.Arrays.equals((float[]) before.get("bn/moving_mean").array(),
                    (float[]) r.values().get("bn/moving_mean").array()), "the retried step commits new state");
        }
    }
}
