package dev.lockstep.estimator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.estimator.checkpoint.NoCheckpointException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 9 item 1: evaluate and predict ran on freshly initialised weights when nothing was trained or saved. */
class UntrainedEstimatorTest {
    @TempDir
    Path dir;

    @Test
    void evaluateWithNoCheckpointAndNoTrainingThrowsNamingTheDirectoryInsteadOfUsingRandomWeights() {
        Path typo = dir.resolve("no-such-run");
        try (Estimator e = SmallRegression.builder(typo).build()) {
            var ex = assertThrows(NoCheckpointException.class, () -> e.evaluate(SmallRegression.input(), 1));
            assertTrue(ex.getMessage().contains(typo + " does not exist"), ex.getMessage());
            assertEquals(typo, ex.modelDir());
            assertThrows(NoCheckpointException.class, () -> e.predict(SmallRegression.input()));
        }
        try (Estimator e = SmallRegression.builder(typo).allowUntrained(true).build()) {
            assertTrue(e.evaluate(SmallRegression.input(), 1).containsKey("loss"), "explicitly allowed");
        }
        try (Estimator e = SmallRegression.builder(dir).build()) {
            e.train(SmallRegression.input(), 2);
            assertTrue(e.evaluate(SmallRegression.input(), 1).containsKey("loss"), "trained in this estimator");
        }
    }
}
