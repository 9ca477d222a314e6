package dev.lockstep.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.collective.CollectiveException;
import dev.lockstep.collective.CollectiveOptions;
import dev.lockstep.collective.LocalFabric;
import dev.lockstep.collective.Transport;
import dev.lockstep.estimator.Estimator;
import dev.lockstep.estimator.GradientReducer;
import dev.lockstep.estimator.Replica;
import dev.lockstep.estimator.checkpoint.CheckpointStore;
import dev.lockstep.tensor.HostTensor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Invariant 6 for workers: a rank that stops answering fails the others' step by a deadline, naming it. */
class SilentWorkerTest {
    record Outcome(Throwable failure, long step, Map<String, HostTensor> before, Map<String, HostTensor> after) {}

    @TempDir
    Path dir;

    @Test
    void aWorkerThatStopsAnsweringFailsTheOthersNamingItAndNothingIsCommitted() throws Exception {
        int n = 3, silent = 2, warm = 3;
        Workers.Job job = Workers.Job.mlpWithDropout().withGlobalBatch(30);
        // Warm-up steps trace and compile at each rank's own pace, so they get the generous deadline;
        // the step under test runs warm. Rank 0 waits on the silent rank directly (ring: it receives from
        // rank 2) and has the short deadline, so it is the one that notices first and tells rank 1 why.
        LocalFabric warmFabric = LocalFabric.create(n), fabric = LocalFabric.create(n);
        CollectiveOptions shortDeadline = CollectiveOptions.defaults().withStepTimeout(Duration.ofMillis(300));
        try {
            List<Outcome> out = Workers.run(n, rank -> {
                AtomicReference<GradientReducer> current = new AtomicReference<>(
                        new CollectiveReducer(warmFabric.transport(rank), Workers.OPTIONS, Workers.BUCKET_CAP));
                try (Estimator e = job.estimator(dir.resolve("rank" + rank), new Replica(rank, n),
                        (layout, payload) -> current.get().reduce(layout, payload))) {
                    e.trainUntil(job.input(n, rank), warm);
                    Map<String, HostTensor> before = e.values();
                    if (rank == silent) {
                        return new Outcome(null, e.globalStep(), before, before); // never calls reduce again
                    }
                    current.set(new CollectiveReducer(fabric.transport(rank),
                            rank == 0 ? shortDeadline : Workers.OPTIONS, Workers.BUCKET_CAP));
                    Throwable failure = assertThrows(ReduceFailedException.class,
                            () -> e.trainUntil(job.input(n, rank), warm + 1));
                    return new Outcome(failure, e.globalStep(), before, e.values());
                }
            });
            ReduceFailedException first = (ReduceFailedException) out.get(0).failure();
            assertEquals(CollectiveException.Kind.TIMEOUT, first.kind(), first.getMessage());
            assertEquals(silent, first.peerRank(), first.getMessage());
            assertTrue(first.getMessage().startsWith("rank 0 of 3: summing bucket 0 of "), first.getMessage());
            assertTrue(first.getMessage().contains("no chunk from rank 2 (in-process) within 300 ms"), first.getMessage());
            ReduceFailedException second = (ReduceFailedException) out.get(1).failure();
            System.out.println(first.getMessage() + "\n" + second.getMessage());
            assertTrue(second.getMessage().startsWith("rank 1 of 3: "), second.getMessage());
            assertTrue(second.getMessage().contains("rank 0 (in-process) gave up: ")
                    && second.getMessage().contains("no chunk from rank 2"), second.getMessage());
            assertNull(out.get(silent).failure());
            for (int r = 0; r < n; r++) {
                assertEquals(warm, out.get(r).step(), "rank " + r + " must not count the failed step");
                Workers.assertBitwiseEqual(out.get(r).before(), out.get(r).after(), "rank " + r + " after the failed step");
            }
            try (CheckpointStore store = new CheckpointStore(dir.resolve("rank0"), 3)) {
                assertEquals(List.of((long) warm), store.steps(), "only the warm-up's final checkpoint");
            }
        } finally {
            warmFabric.transports().forEach(Transport::close);
            fabric.transports().forEach(Transport::close);
        }
    }
}
