package dev.lockstep.estimator.checkpoint;

import static dev.lockstep.estimator.checkpoint.CheckpointStoreTest.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 item 9: two writers on one model directory deleted each other's in-progress saves, and one
 * silently continued from the other's checkpoints. Now the first writer holds the directory's lock.
 */
class ModelDirLockTest {
    @TempDir
    Path dir;
    final RecordingLogger log = new RecordingLogger();

    @Test
    void aSecondWriterFailsAtOnceNamingTheHolderWhileReadersKeepWorking() throws Exception {
        try (CheckpointStore first = new CheckpointStore(dir, 3, log);
             CheckpointStore second = new CheckpointStore(dir, 3, log)) {
            first.save(at(10, 1));
            var e = assertThrows(ModelDirLockedException.class, () -> second.save(at(20, 1)));
            long pid = ProcessHandle.current().pid();
            assertTrue(e.getMessage().contains("pid " + pid) && e.getMessage().contains("on host ")
                    && e.getMessage().contains("started "), e.getMessage());
            assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
            assertNotNull(e.holder());
            assertEquals(pid, e.holder().pid());
            assertEquals(List.of(10L), first.steps(), "the refused writer wrote nothing");
            // A reader (evaluate, inspect) takes no lock.
            assertEquals(10, new CheckpointStore(dir, 3, log).latestValid().orElseThrow().manifest().step());
            assertFalse(second.isWriter());
            first.save(at(11, 1));
        }
    }

    @Test
    void theLockFileNamesTheHolderAndIsReleasedOnClose() throws Exception {
        try (CheckpointStore first = new CheckpointStore(dir, 3, log)) {
            first.lockForWriting();
            String text = Files.readString(dir.resolve(ModelDirLock.FILE_NAME));
            assertTrue(text.contains("pid=" + ProcessHandle.current().pid()) && text.contains("host=")
                    && text.contains("started="), text);
        }
        try (CheckpointStore next = new CheckpointStore(dir, 3, log)) {
            next.save(at(5, 1));
            assertTrue(next.isWriter());
        }
    }

    @Test
    void aStaleLockFileWhoseLockIsNotHeldIsTakenOver() throws Exception {
        // What a killed writer leaves: the file, but no OS lock (that died with the process).
        Files.writeString(dir.resolve(ModelDirLock.FILE_NAME), "pid=999999\nhost=gone\nstarted=2020-01-01T00:00:00Z\n");
        try (CheckpointStore store = new CheckpointStore(dir, 3, log)) {
            store.save(at(1, 1));
            String text = Files.readString(dir.resolve(ModelDirLock.FILE_NAME));
            assertTrue(text.contains("pid=" + ProcessHandle.current().pid()) && !text.contains("gone"), text);
        }
    }

    @Test
    void theLockFileIsNotACheckpoint() throws Exception {
        try (CheckpointStore store = new CheckpointStore(dir, 1, log)) {
            store.save(at(1, 1));
            store.save(at(2, 1));
            assertEquals(List.of(2L), store.steps());
        }
        assertTrue(Files.exists(dir.resolve(ModelDirLock.FILE_NAME)), "never deleted, so no writer locks a stray copy");
    }

    @Test
    void aRegularFileAsModelDirIsFoundBeforeAnySave() throws Exception {
        Path file = Files.writeString(dir.resolve("models"), "x");
        try (CheckpointStore store = new CheckpointStore(file, 1, log)) {
            var e = assertThrows(ModelDirNotWritableException.class, store::lockForWriting);
            assertTrue(e.getMessage().contains(file + " is not writable: it is a regular file"), e.getMessage());
            assertEquals(file, e.modelDir());
        }
    }
}
