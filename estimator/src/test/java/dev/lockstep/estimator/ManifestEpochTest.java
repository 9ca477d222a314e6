package dev.lockstep.estimator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lockstep.estimator.checkpoint.CheckpointStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 9 item 12: the checkpoint manifest's epoch was always 0, whatever the training input's pass. */
class ManifestEpochTest {
    @TempDir
    Path dir;

    @Test
    void theManifestRecordsTheEpochOfTheTrainingInput() throws Exception {
        try (Estimator e = SmallRegression.builder(dir).build()) {
            e.train(SmallRegression.input(), 10);
        }
        CheckpointStore store = new CheckpointStore(dir, 10);
        // 4 batches per epoch: after 5 steps the second pass has begun, after 10 the third.
        assertEquals(1, store.load(5).manifest().epoch());
        assertEquals(2, store.load(10).manifest().epoch());
        try (Estimator e = SmallRegression.builder(dir).build()) {
            e.train(SmallRegression.input(), 3);
        }
        assertEquals(3, store.load(13).manifest().epoch(), "continued across the resume");
    }
}
