package dev.lockstep.estimator.checkpoint;

import static dev.lockstep.estimator.checkpoint.CheckpointStoreTest.at;
import static dev.lockstep.estimator.checkpoint.CheckpointStoreTest.firstKernelValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash and corruption simulations (invariant 7): each damages the newest checkpoint the way a crash,
 * a full disk or a bad sector would, and the store falls back to the previous good one, warning with
 * the name of the damaged file.
 */
class CheckpointRecoveryTest {
    @TempDir
    Path dir;
    final RecordingLogger log = new RecordingLogger();
    CheckpointStore store;
    Path newestData;
    Path newestManifest;

    @BeforeEach
    void twoGoodCheckpoints() throws Exception {
        store = new CheckpointStore(dir, 3, log);
        store.save(at(10, 1));
        store.save(at(20, 1));
        newestData = dir.resolve("ckpt-20").resolve("model.safetensors");
        newestManifest = dir.resolve("ckpt-20").resolve("manifest.json");
    }

    /** latestValid() returns step 10 and the single warning names {@code file}; returns the warning. */
    private String fallsBackTo10Naming(Path file, String... mustContain) throws Exception {
        assertEquals(10, store.latestValid().orElseThrow().manifest().step());
        String w = log.onlyWarning();
        assertTrue(w.contains(file.toString()), "warning does not name " + file + ": " + w);
        for (String s : mustContain) {
            assertTrue(w.contains(s), "'" + s + "' missing from warning: " + w);
        }
        return w;
    }

    @Test
    void leftoverTemporaryFromAnInterruptedSaveIsIgnoredThenDeleted() throws Exception {
        Path tmp = Files.createDirectory(dir.resolve(".ckpt-30.tmp-crashed"));
        Files.write(tmp.resolve("model.safetensors"), new byte[] {1, 2, 3});
        assertEquals(20, store.latestValid().orElseThrow().manifest().step());
        assertTrue(log.onlyWarning().contains(tmp.toString()), log.onlyWarning());
        store.save(at(30, 1));
        assertFalse(Files.exists(tmp));
        assertEquals(30, firstKernelValue(store.latestValid().orElseThrow()));
    }

    @Test
    void newestWithoutManifest() throws Exception {
        // A copy that stopped before its manifest (e.g. copied by hand with cp -r and interrupted).
        Files.delete(newestManifest);
        fallsBackTo10Naming(newestManifest, "missing");
    }

    @Test
    void newestDataFileTruncated() throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(newestData.toFile(), "rw")) {
            f.setLength(f.length() - 5);
        }
        fallsBackTo10Naming(newestData, "truncated");
    }

    @Test
    void newestDataFileHasAFlippedByte() throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(newestData.toFile(), "rw")) {
            long last = f.length() - 1;
            f.seek(last);
            int b = f.read();
            f.seek(last);
            f.write(b ^ 0x10);
        }
        fallsBackTo10Naming(newestData, "sha256", "does not match");
    }

    @Test
    void newestManifestIsGarbage() throws Exception {
        Files.writeString(newestManifest, "{\"format_version\": 1, \"step\": ");
        fallsBackTo10Naming(newestManifest, "not well-formed JSON");
    }

    @Test
    void newestDirectoryHoldsAnotherStep() throws Exception {
        Files.move(dir.resolve("ckpt-20"), dir.resolve("ckpt-25"));
        fallsBackTo10Naming(dir.resolve("ckpt-25").resolve("manifest.json"), "records step 20");
    }

    @Test
    void everythingCorruptMeansNoCheckpointAndAWarningPerFile() throws Exception {
        Files.delete(newestManifest);
        Files.delete(dir.resolve("ckpt-10").resolve("model.safetensors"));
        assertTrue(store.latestValid().isEmpty());
        assertEquals(2, log.warnings.size(), log.warnings.toString());
        assertTrue(log.warnings.get(1).contains(dir.resolve("ckpt-10").resolve("model.safetensors").toString()));
    }

    @Test
    void loadingACorruptStepDirectlyFailsNamingTheFile() throws Exception {
        Files.write(newestData, new byte[] {0});
        CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class, () -> store.load(20));
        assertEquals(newestData, e.file());
        assertTrue(e.getMessage().contains("is 1 bytes"), e.getMessage());
    }

    @Test
    void pruningWithKeepOneNeverLosesTheOnlyGoodCheckpoint() throws Exception {
        Files.delete(newestManifest);
        store.close(); // a new writer of the same directory: the old one releases its lock first
        store = new CheckpointStore(dir, 1, log);
        assertEquals(10, store.latestValid().orElseThrow().manifest().step());
        // Training resumed from 10 and saves 11: the good 11 stays; 10 is pruned only now that 11 is durable.
        store.save(at(11, 1));
        assertEquals(List.of(11L), store.steps());
        assertEquals(11, firstKernelValue(store.latestValid().orElseThrow()));
    }

    @Test
    void pruningDeletesKnownCorruptCheckpointsBeforeGoodOnes() throws Exception {
        Files.delete(newestManifest);
        store.close(); // a new writer of the same directory: the old one releases its lock first
        store = new CheckpointStore(dir, 2, log);
        store.latestValid();
        store.save(at(11, 1));
        assertEquals(List.of(11L, 10L), store.steps());
    }

    @Test
    void theCheckpointJustSavedSurvivesEvenBehindAnUnknownCorruptOne() throws Exception {
        // A fresh store has not seen that 20 is bad; pruning by step keeps 20 and drops 10, but never 11.
        Files.delete(newestManifest);
        store.close(); // a new writer of the same directory: the old one releases its lock first
        store = new CheckpointStore(dir, 2, log);
        store.save(at(11, 1));
        assertEquals(List.of(20L, 11L), store.steps());
        assertEquals(11, store.latestValid().orElseThrow().manifest().step());
    }

    @Test
    void anInterruptedReplacementLeavesTheOldCopyFindable() throws Exception {
        // save() of an existing step moves the old copy to .replaced before renaming the new one in;
        // a crash between the two renames leaves only the .replaced copy.
        Files.move(dir.resolve("ckpt-20"), dir.resolve("ckpt-20.replaced"));
        assertEquals(20, store.latestValid().orElseThrow().manifest().step());
        assertEquals(List.of(20L, 10L), store.steps());
        store.save(at(20, 1));
        assertFalse(Files.exists(dir.resolve("ckpt-20.replaced")));
        assertEquals(List.of(20L, 10L), store.steps());
        assertEquals(List.of(), log.warnings);
    }
}
