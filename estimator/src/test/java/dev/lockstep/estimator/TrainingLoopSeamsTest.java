package dev.lockstep.estimator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.device.conformance.ReferenceDevice;
import dev.lockstep.nn.Sequential;
import dev.lockstep.nn.layers.Activation;
import dev.lockstep.nn.layers.Dense;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training loop's seams: the global example offset, the checkpoint policy and the injected clock. */
class TrainingLoopSeamsTest {
    @Test
    void theExampleOffsetIsGlobalStepTimesGlobalBatchPlusRankTimesLocalBatch() {
        // rank, world, step, local examples per step -> offset of the replica's first example
        long[][] table = {{0, 1, 0, 32, 0}, {0, 1, 3, 32, 96}, {0, 2, 3, 16, 96}, {1, 2, 3, 16, 112},
                {3, 4, 5, 8, 184}, {2, 3, 0, 5, 10}};
        for (long[] row : table) {
            assertEquals(row[4], new Replica((int) row[0], (int) row[1]).exampleOffset(row[2], row[3]),
                    java.util.Arrays.toString(row));
        }
        assertThrows(IllegalArgumentException.class, () -> new Replica(2, 2));
        assertThrows(ArithmeticException.class, () -> new Replica(0, 2).exampleOffset(Long.MAX_VALUE / 2, 2));
    }

    @Test
    void theCheckpointPolicyIsAPureFunctionOfStepsAndElapsedTime() {
        CheckpointPolicy p = CheckpointPolicy.every(3, Duration.ofSeconds(10));
        assertFalse(p.due(2, 0, 0));
        assertTrue(p.due(3, 0, 0));
        assertTrue(p.due(1, 0, Duration.ofSeconds(10).toNanos()));
        assertFalse(p.due(1, 0, Duration.ofSeconds(10).toNanos() - 1));
        assertFalse(CheckpointPolicy.everySteps(0).due(1_000_000, 0, Long.MAX_VALUE));
    }

    @Test
    void theTimeBasedCadenceReadsTheInjectedClock(@TempDir Path dir) {
        AtomicLong now = new AtomicLong();
        List<Long> saved = new ArrayList<>();
        Sequential model = Sequential.of("hidden", new Dense(4, Activation.Fn.TANH), "out", new Dense(1));
        Head head = new Head.Regression();
        ModelFn fn = (scope, f, l, mode) -> head.apply(model.call(scope, f.get("x")), l.get("y"), mode);
        RunConfig run = RunConfig.of(dir, 7).withCheckpoints(0, Duration.ofSeconds(10), 10);
        Listener clockAndLog = new Listener() {
            @Override
            public void onStep(StepEvent e) {
                now.addAndGet(Duration.ofSeconds(4).toNanos()); // each step "takes" 4 s
            }

            @Override
            public void onCheckpoint(CheckpointEvent e) {
                saved.add(e.step());
            }
        };
        try (Estimator e = Estimator.builder(model, fn, run).device(new ReferenceDevice()).nanoClock(now::get)
                .listener(clockAndLog).build()) {
            e.train(ResumeFingerprintTest.input(8), 10);
        }
        assertEquals(List.of(3L, 6L, 9L, 10L), saved, "every 10 s of the fake clock, and once at the end");
    }
}
