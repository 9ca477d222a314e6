package dev.lockstep.estimator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.lockstep.data.Dataset;
import dev.lockstep.data.Examples;
import dev.lockstep.tensor.DType;
import dev.lockstep.device.conformance.ReferenceDevice;
import dev.lockstep.estimator.checkpoint.CheckpointStore;
import dev.lockstep.nn.Sequential;
import dev.lockstep.nn.layers.Activation;
import dev.lockstep.nn.layers.Dense;
import dev.lockstep.nn.layers.Dropout;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 200 steps straight versus 100 steps, a "kill" (the estimator is dropped without a final save), and
 * 100 more in a new estimator from the checkpoint: bitwise-identical parameters. The pipeline is
 * shuffled and repeated and the model has dropout, so the data cursor and step-keyed randomness must
 * both be restored.
 */
class ExactResumeTest {
    static InputFn input() {
        double[] x = new double[64 * 3];
        int[] y = new int[64];
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        for (int i = 0; i < 64; i++) {
            y[i] = r.nextInt(3);
            for (int k = 0; k < 3; k++) {
                x[i * 3 + k] = r.nextDouble(-1, 1) + (k == y[i] ? 1.5 : 0);
            }
        }
        Map<String, HostTensor> columns = Map.of("x", HostTensor.fromDoubles(TensorType.of(DType.F32, 64, 3), x),
                "label", HostTensor.ofInts(y, 64));
        return () -> Dataset.fromTensors(columns).shuffle(16, 99).batch(8, true, Examples::stack).repeat()
                .map(m -> Batch.split(m, Set.of("label")));
    }

    static Estimator estimator(Path dir) {
        Sequential model = Sequential.of("hidden", new Dense(16, Activation.Fn.RELU), "drop", new Dropout(0.2),
                "logits", new Dense(3));
        Head head = new Head.Classification(3, 2);
        ModelFn fn = (scope, f, l, mode) -> head.apply(model.call(scope, f.get("x")), l.get("label"), mode);
        RunConfig run = RunConfig.of(dir, 42).withCheckpoints(50, Duration.ZERO, 3);
        return Estimator.builder(model, fn, run).device(new ReferenceDevice()).build();
    }

    @Test
    void twoHundredStraightEqualsHundredKillHundred(@TempDir Path straightDir, @TempDir Path resumedDir) throws Exception {
        Map<String, HostTensor> straight;
        try (Estimator e = estimator(straightDir)) {
            e.train(input(), 200);
            straight = new CheckpointStore(straightDir, 3).latestValid().orElseThrow().tensors();
        }
        Estimator first = estimator(resumedDir);
        first.train(input(), 100); // checkpoints at 50 and 100; then the process "dies"
        first.close();
        try (Estimator second = estimator(resumedDir)) {
            assertEquals(100, second.globalStep());
            second.trainUntil(input(), 200);
        }
        Map<String, HostTensor> resumed = new CheckpointStore(resumedDir, 3).latestValid().orElseThrow().tensors();
        assertEquals(straight.keySet(), resumed.keySet());
        for (String k : straight.keySet()) {
            assertArrayEquals((float[]) straight.get(k).array(), (float[]) resumed.get(k).array(), k);
        }
        try (Estimator fresh = estimator(Path.of(resumedDir + "-other"))) {
            fresh.train(input(), 10);
            assertFalse(java.util.Arrays.equals((float[]) straight.get("logits/kernel").array(),
                    (float[]) new CheckpointStore(Path.of(resumedDir + "-other"), 3).latestValid().orElseThrow()
                            .tensor("logits/kernel").array()));
        }
    }

    @Test
    void evaluationAndPredictionUseTheTrainedVariables(@TempDir Path dir) {
        try (Estimator e = estimator(dir)) {
            e.train(input(), 150);
            Map<String, Double> metrics = e.evaluate(() -> input().dataset().take(8), 0);
            assertEquals(true, metrics.get("accuracy") > 0.8, metrics.toString());
            assertEquals(true, metrics.get("top_2_accuracy") >= metrics.get("accuracy"), metrics.toString());
            var predictions = e.predict(() -> input().dataset().take(2));
            assertEquals(2, predictions.size());
            assertEquals(TensorType.of(DType.I32, 8), predictions.getFirst().get("classes").type());
        }
    }

    @Test
    void aFreshEstimatorEvaluatesTheRestoredCheckpointExactlyAsTheOneThatTrained(@TempDir Path dir) {
        Map<String, Double> trained;
        try (Estimator e = estimator(dir)) {
            e.train(input(), 60);
            trained = e.evaluate(() -> input().dataset().take(4), 0);
            assertEquals(trained, e.evaluate(() -> input().dataset().take(4), 0), "a second evaluation is identical");
        }
        try (Estimator restored = estimator(dir)) {
            assertEquals(trained, restored.evaluate(() -> input().dataset().take(4), 0));
        }
    }
}
