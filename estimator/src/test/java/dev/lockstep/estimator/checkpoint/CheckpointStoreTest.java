package dev.lockstep.estimator.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saving, pruning and loading on a real directory; corruption cases are in CheckpointRecoveryTest. */
class CheckpointStoreTest {
    @TempDir
    Path dir;
    final RecordingLogger log = new RecordingLogger();

    /** A checkpoint whose kernel values are {@code step} and {@code step + 1}, so steps are told apart. */
    static Checkpoint at(long step, int worldSize) {
        Map<String, HostTensor> t = new TreeMap<>();
        t.put("encoder/kernel", HostTensor.ofFloats(new float[] {step, step + 1}, 2, 1));
        t.put("slot/encoder/kernel/momentum", HostTensor.ofFloats(new float[] {-step, 0}, 2, 1));
        t.put("encoder/bn/moving_mean", HostTensor.ofDoubles(new double[] {0.5}, 1));
        t.put("head/emb", HostTensor.wrap(TensorType.of(DType.BF16, 2), new float[] {1.5f, -2f}));
        t.put("head/scale", HostTensor.wrap(TensorType.of(DType.F16, 1), new float[] {0.25f}));
        t.put("head/ids", HostTensor.ofInts(new int[] {3, -4}, 2));
        t.put("head/count", HostTensor.ofLongs(new long[] {1L << 40}));
        t.put("head/mask", HostTensor.ofBools(new boolean[] {true, false, true}, 3));
        Manifest m = Manifest.of(step, 42, "fp-1", worldSize, "0.1.0-test")
                .withEpoch(step / 10)
                .withDataCursors(Map.of("train", Map.of("examples", step * 32)))
                .withJobConfig(Map.of("optimizer", "momentum"));
        return Checkpoint.of(m, t);
    }

    static float firstKernelValue(Checkpoint c) {
        return c.tensor("encoder/kernel").floats()[0];
    }

    private List<String> entries() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            // The writer lock file is not a checkpoint and stays by design (ModelDirLock).
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.equals(ModelDirLock.FILE_NAME)).sorted()
                    .toList();
        }
    }

    @Test
    void saveThenLoadRestoresEveryTensorAndTheManifest() throws Exception {
        CheckpointStore store = new CheckpointStore(dir, 3, log);
        Checkpoint saved = at(20, 1);
        Manifest written = store.save(saved);
        assertEquals(List.of("ckpt-20"), entries());
        assertEquals(List.of("manifest.json", "model.safetensors"),
                Files.list(dir.resolve("ckpt-20")).map(p -> p.getFileName().toString()).sorted().toList());

        Path data = dir.resolve("ckpt-20/model.safetensors");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(data)));
        assertEquals(List.of(new Manifest.DataFile("model.safetensors", Files.size(data), sha)), written.files());

        Checkpoint back = store.latestValid().orElseThrow();
        assertEquals(written, back.manifest());
        assertEquals(saved.manifest().withFiles(written.files()), back.manifest());
        assertEquals(saved.tensors().keySet(), back.tensors().keySet());
        for (String p : saved.tensors().keySet()) {
            assertEquals(saved.tensor(p).type(), back.tensor(p).type(), p);
            assertArrayEquals(saved.tensor(p).toDoubles(), back.tensor(p).toDoubles(), p);
        }
        assertEquals(20, store.load(20).manifest().step());
        assertEquals(List.of(), log.warnings);
    }

    @Test
    void keepsTheNewestN() throws Exception {
        CheckpointStore store = new CheckpointStore(dir, 2, log);
        for (long s = 1; s <= 5; s++) {
            store.save(at(s * 10, 1));
        }
        assertEquals(List.of(50L, 40L), store.steps());
        assertEquals(List.of("ckpt-40", "ckpt-50"), entries());
        assertEquals(50, firstKernelValue(store.latestValid().orElseThrow()));
    }

    @Test
    void savingTheSameStepAgainReplacesIt() throws Exception {
        CheckpointStore store = new CheckpointStore(dir, 1, log);
        store.save(at(10, 1));
        Checkpoint other = Checkpoint.of(at(10, 1).manifest(), Map.of("encoder/kernel",
                HostTensor.ofFloats(new float[] {99, 98}, 2, 1)));
        store.save(other);
        assertEquals(List.of("ckpt-10"), entries());
        assertEquals(99, firstKernelValue(store.load(10)));
    }

    @Test
    void aWorldSizeTwoCheckpointLoadsOnOneWorker() throws Exception {
        new CheckpointStore(dir, 2, log).save(at(30, 2));
        // A fresh single-worker run opens the same model directory.
        Checkpoint c = new CheckpointStore(dir, 2, log).latestValid().orElseThrow();
        assertEquals(2, c.manifest().worldSize());
        assertEquals(Map.of("train", Map.of("examples", 960L)), c.manifest().dataCursors());
        Map<String, TensorType> model = new TreeMap<>();
        at(30, 1).tensors().forEach((p, t) -> model.put(p, t.type()));
        c.requireTypes(model);
        assertArrayEquals(new float[] {30, 31}, c.tensor("encoder/kernel").floats());
    }

    @Test
    void subtreeOfTheNewestCheckpointForFineTuning() throws Exception {
        CheckpointStore store = new CheckpointStore(dir, 2, log);
        store.save(at(10, 1));
        store.save(at(20, 1));
        Checkpoint sub = store.loadSubtree("encoder", "pretrained/enc").orElseThrow();
        assertEquals(List.of("pretrained/enc/bn/moving_mean", "pretrained/enc/kernel",
                "slot/pretrained/enc/kernel/momentum"), List.copyOf(sub.tensors().keySet()));
        assertArrayEquals(new float[] {20, 21}, sub.tensor("pretrained/enc/kernel").floats());
        assertEquals(List.of("encoder/bn/moving_mean", "encoder/kernel"),
                List.copyOf(store.load(10).subtree("encoder", "encoder").withoutSlots().tensors().keySet()));
    }

    @Test
    void emptyDirectoryHasNoCheckpoint() throws Exception {
        CheckpointStore store = new CheckpointStore(dir.resolve("not-yet"), 1, log);
        assertTrue(store.latestValid().isEmpty());
        assertEquals(List.of(), store.steps());
        var e = assertThrows(java.io.IOException.class, () -> store.load(5));
        assertTrue(e.getMessage().contains("no checkpoint of step 5"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("not-yet")));
    }

    @Test
    void keepMustBePositive() {
        var e = assertThrows(IllegalArgumentException.class, () -> new CheckpointStore(dir, 0));
        assertTrue(e.getMessage().contains("keep = 0"), e.getMessage());
    }
}
