package dev.lockstep.estimator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.estimator.checkpoint.ModelDirLockedException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 9 item 9: two estimators trained into one model directory, each over the other's checkpoints. */
class EstimatorWriterLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondEstimatorTrainingIntoTheSameDirectoryFailsNamingTheHolderWhileReadersWork() {
        try (Estimator first = SmallRegression.builder(dir).build();
             Estimator second = SmallRegression.builder(dir).build()) {
            first.train(SmallRegression.input(), 5);
            var ex = assertThrows(ModelDirLockedException.class, () -> second.train(SmallRegression.input(), 5));
            assertTrue(ex.getMessage().contains("pid " + ProcessHandle.current().pid()), ex.getMessage());
            assertEquals(0, second.globalStep(), "it took no step");
            try (Estimator reader = SmallRegression.builder(dir).build()) {
                assertEquals(5, reader.globalStep());
                assertTrue(reader.evaluate(SmallRegression.input(), 1).containsKey("loss"));
            }
        }
        try (Estimator after = SmallRegression.builder(dir).build()) {
            assertEquals(7, after.train(SmallRegression.input(), 2), "released on close");
        }
    }

    @Test
    void aWriterThatTakesTheLockAfterAnotherSavedResumesFromTheNewestCheckpoint() {
        try (Estimator late = SmallRegression.builder(dir).build()) {
            try (Estimator early = SmallRegression.builder(dir).build()) {
                early.train(SmallRegression.input(), 5);
            }
            // late read the (empty) directory before early saved; it must not train from step 0 over it.
            assertEquals(7, late.train(SmallRegression.input(), 2));
        }
    }
}
