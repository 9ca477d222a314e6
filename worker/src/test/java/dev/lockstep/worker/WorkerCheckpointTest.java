package dev.lockstep.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.estimator.Estimator;
import dev.lockstep.estimator.GradientReducer;
import dev.lockstep.estimator.Replica;
import dev.lockstep.estimator.checkpoint.CheckpointStore;
import dev.lockstep.estimator.checkpoint.Manifest;
import dev.lockstep.tensor.HostTensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints of a multi-worker job: one writer, the world size recorded, resumable on another world size. */
class WorkerCheckpointTest {
    @TempDir
    Path dir;

    @Test
    void onlyRankZeroWritesAndTheManifestRecordsTheWorldSize() throws Exception {
        Workers.train(Workers.Job.mlpWithDropout(), 2, 6, dir);
        try (CheckpointStore store = new CheckpointStore(dir.resolve("rank0"), 3)) {
            assertEquals(List.of(6L), store.steps());
            Manifest m = store.latestValid().orElseThrow().manifest();
            assertEquals(2, m.worldSize());
            assertEquals(6, m.step());
        }
        Path other = dir.resolve("rank1");
        if (Files.exists(other)) {
            try (Stream<Path> files = Files.list(other)) {
                assertFalse(files.anyMatch(p -> p.getFileName().toString().startsWith("ckpt-")),
                        "rank 1 must not write checkpoints");
            }
        }
    }

    @Test
    void aCheckpointOfTwoWorkersResumesOnOneProcessAndContinuesAsTwoWorkersWould() throws Exception {
        Workers.Job job = Workers.Job.mlpWithDropout();
        Workers.train(job, 2, 10, dir.resolve("first"));
        Path saved = dir.resolve("first").resolve("rank0");
        // Every worker resumes from the one checkpoint, as from shared storage.
        copy(saved, dir.resolve("two").resolve("rank0"));
        copy(saved, dir.resolve("two").resolve("rank1"));
        copy(saved, dir.resolve("one"));
        List<Map<String, HostTensor>> two = Workers.train(job, 2, 15, dir.resolve("two"));
        List<Long> stepsRun = new ArrayList<>();
        Map<String, HostTensor> one;
        try (Estimator e = job.estimator(dir.resolve("one"), Replica.SINGLE, GradientReducer.IDENTITY,
                WorkerEquivalenceTest.onStep(ev -> stepsRun.add(ev.step())))) {
            assertEquals(10, e.globalStep(), "the single process resumes at the 2-worker checkpoint");
            e.trainUntil(job.input(1, 0), 15);
            one = e.values();
        }
        assertEquals(List.of(11L, 12L, 13L, 14L, 15L), stepsRun, "only the steps after the checkpoint run");
        double diff = Workers.maxRelativeDifference(one, two.get(0));
        System.out.printf("resumed on 1 process vs continued on 2 workers: max relative difference %.3g%n", diff);
        assertTrue(diff <= WorkerEquivalenceTest.TOLERANCE, "resumed on one process differs by " + diff);
        try (CheckpointStore store = new CheckpointStore(dir.resolve("one"), 3)) {
            Manifest m = store.latestValid().orElseThrow().manifest();
            assertEquals(15, m.step());
            assertEquals(1, m.worldSize());
        }
        // Resuming moved on: step 15 is not step 10.
        try (CheckpointStore store = new CheckpointStore(saved, 3)) {
            Map<String, HostTensor> at10 = store.latestValid().orElseThrow().tensors();
            assertFalse(Workers.bitwiseEqual(at10.get("out/kernel"), one.get("out/kernel")));
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        try (Stream<Path> all = Files.walk(from)) {
            all.filter(p -> !p.getFileName().toString().endsWith(".lock")).forEach(p -> {
                try {
                    Files.copy(p, to.resolve(from.relativize(p).toString()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
