package dev.lockstep.estimator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.data.Dataset;
import dev.lockstep.data.Examples;
import dev.lockstep.device.conformance.ReferenceDevice;
import dev.lockstep.estimator.checkpoint.CheckpointStore;
import dev.lockstep.estimator.checkpoint.Manifest;
import dev.lockstep.nn.Sequential;
import dev.lockstep.nn.layers.Activation;
import dev.lockstep.nn.layers.Dense;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restoring compares the graph fingerprint: silent for the same job, an error for a changed model. */
class ResumeFingerprintTest {
    /**
     * Global batches of 8; each replica keeps its first {@code local} rows (rank 0's slice), so the
     * pipeline, and with it the data cursor, is the same for every world size.
     */
    static InputFn input(int local) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        double[] x = new double[32 * 2], y = new double[32];
        for (int i = 0; i < 32; i++) {
            x[2 * i] = r.nextDouble(-1, 1);
            x[2 * i + 1] = r.nextDouble(-1, 1);
            y[i] = x[2 * i] - x[2 * i + 1];
        }
        Map<String, HostTensor> columns = Map.of("x", HostTensor.fromDoubles(TensorType.of(DType.F32, 32, 2), x),
                "y", HostTensor.fromDoubles(TensorType.of(DType.F32, 32, 1), y));
        return () -> Dataset.fromTensors(columns).batch(8, true, Examples::stack).repeat()
                .map(m -> Batch.split(Map.of("x", MultiReplicaStepTest.firstRows(m.get("x"), local),
                        "y", MultiReplicaStepTest.firstRows(m.get("y"), local)), Set.of("y")));
    }

    /** The same variables every time; {@code scale} changes the computation, not the parameters. */
    static Estimator estimator(Path dir, double scale, Replica replica) {
        Sequential model = Sequential.of("hidden", new Dense(4, Activation.Fn.TANH), "out", new Dense(1));
        Head head = new Head.Regression();
        ModelFn fn = (scope, f, l, mode) -> head.apply(model.call(scope, scale == 1 ? f.get("x")
                : f.get("x").mul(scale)), l.get("y"), mode);
        RunConfig run = RunConfig.of(dir, 7).withCheckpoints(5, Duration.ZERO, 3);
        return Estimator.builder(model, fn, run).device(new ReferenceDevice())
                .replica(replica, GradientReducer.IDENTITY).build();
    }

    @Test
    void resumingTheSameJobIsSilent(@TempDir Path dir) {
        try (Estimator e = estimator(dir, 1, Replica.SINGLE)) {
            e.train(input(8), 5);
        }
        try (Estimator e = estimator(dir, 1, Replica.SINGLE)) {
            assertEquals(10, e.train(input(8), 5));
        }
    }

    @Test
    void aChangedModelFunctionWithTheSameVariablesIsReportedWithBothFingerprintsAndTheSignature(@TempDir Path dir)
            throws Exception {
        try (Estimator e = estimator(dir, 1, Replica.SINGLE)) {
            e.train(input(8), 5);
        }
        Manifest written = new CheckpointStore(dir, 3).latestValid().orElseThrow().manifest();
        try (Estimator e = estimator(dir, 2, Replica.SINGLE)) {
            var error = assertThrows(IllegalStateException.class, () -> e.train(input(8), 5));
            String m = error.getMessage();
            assertTrue(m.contains(written.graphFingerprint()), m);
            assertTrue(m.contains("the model traced now gives sha256:"), m);
            assertTrue(m.contains("features/x=f32[8, 2]") && m.contains("world size 1"), m);
            assertTrue(m.contains("The input signature is the same") && m.contains("To proceed"), m);
            assertEquals(5, e.globalStep(), "nothing was trained");
        }
    }

    @Test
    void aNewWorldSizeWithItsSmallerLocalBatchResumesAndIsRecorded(@TempDir Path dir) throws Exception {
        try (Estimator e = estimator(dir, 1, Replica.SINGLE)) {
            e.train(input(8), 5);
        }
        try (Estimator e = estimator(dir, 1, new Replica(0, 2))) {
            assertEquals(10, e.train(input(4), 5));
        }
        Manifest m = new CheckpointStore(dir, 3).latestValid().orElseThrow().manifest();
        assertEquals(2, m.worldSize());
        assertEquals(TensorType.of(DType.F32, 4, 2), m.inputSignature().get("features/x"));
    }

    @Test
    void aChangedModelIsReportedEvenWhenTheBatchChangedToo(@TempDir Path dir) {
        try (Estimator e = estimator(dir, 1, Replica.SINGLE)) {
            e.train(input(8), 5);
        }
        try (Estimator e = estimator(dir, 2, new Replica(0, 2))) {
            var error = assertThrows(IllegalStateException.class, () -> e.train(input(4), 5));
            assertTrue(error.getMessage().contains("Traced again for the recorded input signature"),
                    error.getMessage());
            assertTrue(error.getMessage().contains("world size 1") && error.getMessage().contains("world size 2"),
                    error.getMessage());
        }
    }
}
