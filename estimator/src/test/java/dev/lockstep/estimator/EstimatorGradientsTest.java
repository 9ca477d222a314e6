package dev.lockstep.estimator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.data.DatasetIterator;
import dev.lockstep.device.conformance.ReferenceDevice;
import dev.lockstep.estimator.checkpoint.CheckpointStore;
import dev.lockstep.nn.LearningRate;
import dev.lockstep.nn.Optimizer;
import dev.lockstep.nn.Sequential;
import dev.lockstep.nn.layers.Activation;
import dev.lockstep.nn.layers.BatchNormalization;
import dev.lockstep.nn.layers.Dense;
import dev.lockstep.nn.layers.Dropout;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TF1 users fetched gradients out of the graph by name; here one call returns them by path. */
class EstimatorGradientsTest {
    static final double LR = 0.5;

    static Estimator estimator(Path dir) {
        Sequential model = Sequential.of("bn", new BatchNormalization(), "hidden", new Dense(5, Activation.Fn.TANH),
                "drop", new Dropout(0.25), "out", new Dense(1));
        Head head = new Head.Regression();
        ModelFn fn = (scope, f, l, mode) -> head.apply(model.call(scope, f.get("x")), l.get("y"), mode);
        RunConfig run = RunConfig.of(dir, 9).withCheckpoints(1000, Duration.ZERO, 3);
        return Estimator.builder(model, fn, run).device(new ReferenceDevice()).optimizer(new Optimizer.Sgd())
                .learningRate(new LearningRate.Constant(LR)).build();
    }

    /** Batch {@code n} (from 0) of {@code input}: the one step {@code n} trains on. */
    static Batch batch(InputFn input, int n) {
        try (DatasetIterator<Batch> it = input.dataset().iterator()) {
            for (int i = 0; i < n; i++) {
                it.next();
            }
            return it.next();
        }
    }

    static Map<String, HostTensor> weights(Estimator e) {
        return e.export(Map.of("x", TensorType.of(DType.F32, 8, 2))).weights();
    }

    @Test
    void gradientsByPathAreWhatTheNextSgdStepApplies(@TempDir Path dir) {
        InputFn input = ResumeFingerprintTest.input(8);
        try (Estimator e = estimator(dir)) {
            e.train(input, 2); // past the first step, so step and example offset are not zero
            BatchGradients g = e.gradients(batch(input, 2));
            Map<String, HostTensor> before = weights(e);
            e.train(input, 1);
            Map<String, HostTensor> after = weights(e);
            assertEquals(java.util.Set.of("bn/gamma", "bn/beta", "hidden/kernel", "hidden/bias", "out/kernel",
                    "out/bias"), g.gradients().keySet());
            for (var entry : g.gradients().entrySet()) {
                double[] p0 = before.get(entry.getKey()).toDoubles(), p1 = after.get(entry.getKey()).toDoubles();
                double[] grad = entry.getValue().toDoubles();
                for (int i = 0; i < grad.length; i++) {
                    assertEquals(p0[i] - LR * grad[i], p1[i], 1e-6, entry.getKey() + "[" + i + "]");
                }
            }
            assertTrue(g.loss() > 0 && g.examples() == 8, g.toString());
            assertTrue(java.util.Arrays.stream(g.gradient("out/kernel").toDoubles()).anyMatch(v -> v != 0));
        }
    }

    @Test
    void takingGradientsChangesNoParameterSlotStateOrStep(@TempDir Path plain, @TempDir Path probed) throws Exception {
        InputFn input = ResumeFingerprintTest.input(8);
        try (Estimator e = estimator(plain)) {
            e.train(input, 6);
        }
        try (Estimator e = estimator(probed)) {
            e.gradients(input);
            e.train(input, 3);
            BatchGradients first = e.gradients(input), second = e.gradients(input);
            assertEquals(first.loss(), second.loss());
            assertEquals(3, e.globalStep());
            e.train(input, 3);
        }
        Map<String, HostTensor> a = new CheckpointStore(plain, 3).latestValid().orElseThrow().tensors();
        Map<String, HostTensor> b = new CheckpointStore(probed, 3).latestValid().orElseThrow().tensors();
        assertEquals(a.keySet(), b.keySet());
        assertTrue(a.containsKey("bn/moving_mean"));
        for (String k : a.keySet()) {
            assertArrayEquals((float[]) a.get(k).array(), (float[]) b.get(k).array(), k);
        }
    }
}
