package dev.lockstep.estimator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.estimator.checkpoint.CheckpointStore;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 9 item 8: a stop request (SIGTERM in the CLI) lost everything since the last checkpoint. */
class StopRequestTest {
    @TempDir
    Path dir;

    @Test
    void aStopRequestFinishesTheStepSavesACheckpointAndReturns() throws Exception {
        int[] steps = {0};
        Listener count = new Listener() {
            @Override
            public void onStep(StepEvent e) {
                steps[0]++;
            }
        };
        BooleanSupplier afterThree = () -> steps[0] >= 3;
        try (Estimator e = SmallRegression.builder(dir).listener(count).stopWhen(afterThree).build()) {
            assertEquals(3, e.train(SmallRegression.input(), 100));
            assertTrue(e.stopped());
            // trainAndEvaluate does not evaluate (or loop) after a stop.
            e.trainAndEvaluate(SmallRegression.input(), 100, SmallRegression.input(), 1, 10);
            assertEquals(3, e.globalStep());
        }
        assertEquals(List.of(3L), new CheckpointStore(dir, 10).steps(), "saved at the step it stopped at");
        try (Estimator resumed = SmallRegression.builder(dir).build()) {
            assertEquals(3, resumed.globalStep());
            resumed.train(SmallRegression.input(), 2);
            assertFalse(resumed.stopped());
        }
    }
}
