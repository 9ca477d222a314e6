package dev.lockstep.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.collective.LocalFabric;
import dev.lockstep.collective.Transport;
import dev.lockstep.estimator.Estimator;
import dev.lockstep.estimator.GradientReducer;
import dev.lockstep.estimator.Listener;
import dev.lockstep.estimator.Replica;
import dev.lockstep.tensor.HostTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * N workers (threads over LocalFabric, each with its own estimator, device, model tree and slice of every
 * global batch) against one process on the whole global batch: issue 10's equivalence, in one JVM.
 */
class WorkerEquivalenceTest {
    static final double TOLERANCE = 1e-5;

    @TempDir
    Path dir;

    @Test
    void twoAndFourWorkersGiveTheParametersOfOneProcess() throws Exception {
        int steps = 50;
        Workers.Job job = Workers.Job.mlpWithDropout();
        List<Map<String, Double>> singleMetrics = new ArrayList<>();
        Map<String, HostTensor> one;
        try (Estimator e = job.estimator(dir.resolve("single"), Replica.SINGLE, GradientReducer.IDENTITY,
                onStep(ev -> singleMetrics.add(ev.metrics())))) {
            e.trainUntil(job.input(1, 0), steps);
            one = e.values();
        }
        assertTrue(one.containsKey("slot/out/kernel/adam_m") && one.containsKey("hidden/kernel"), one.keySet().toString());
        for (int n : new int[] {2, 4}) {
            List<List<Map<String, Double>>> metrics = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                metrics.add(java.util.Collections.synchronizedList(new ArrayList<>()));
            }
            List<Map<String, HostTensor>> workers = Workers.train(job, n, steps, dir.resolve("n" + n),
                    rank -> onStep(ev -> metrics.get(rank).add(ev.metrics())));
            // Every worker reports the global loss and gradient norm (the reduced sums), as one process does.
            for (int r = 0; r < n; r++) {
                assertEquals(steps, metrics.get(r).size());
                for (int s = 0; s < steps; s++) {
                    Map<String, Double> want = singleMetrics.get(s), got = metrics.get(r).get(s);
                    assertEquals(want.keySet(), got.keySet());
                    assertTrue(want.containsKey("loss") && want.containsKey("grad_norm"), want.toString());
                    for (String k : want.keySet()) {
                        assertEquals(want.get(k), got.get(k), TOLERANCE * Math.max(1, Math.abs(want.get(k))),
                                n + " workers, rank " + r + ", step " + (s + 1) + ", metric " + k);
                    }
                }
            }
            for (int r = 1; r < n; r++) {
                Workers.assertBitwiseEqual(workers.get(0), workers.get(r), n + " workers, rank " + r + " vs rank 0");
            }
            double diff = Workers.maxRelativeDifference(workers.get(0), one);
            System.out.printf("%d workers vs one process after %d steps: max relative difference %.3g%n", n, steps, diff);
            assertTrue(diff <= TOLERANCE, n + " workers differ from one process by " + diff);
        }
    }

    @Test
    void batchNormWorkersAreBitwiseIdenticalAfterEveryStepAndTrackTheGlobalMean() throws Exception {
        int n = 2, steps = 8;
        Workers.Job job = Workers.Job.batchNorm();
        LocalFabric fabric = LocalFabric.create(n);
        List<List<Map<String, HostTensor>>> perStep;
        try {
            perStep = Workers.run(n, rank -> {
                List<Map<String, HostTensor>> after = new ArrayList<>();
                AtomicReference<Estimator> self = new AtomicReference<>();
                var reducer = new CollectiveReducer(fabric.transport(rank), Workers.OPTIONS, Workers.BUCKET_CAP);
                try (Estimator e = job.estimator(dir.resolve("rank" + rank), new Replica(rank, n), reducer,
                        onStep(ev -> after.add(self.get().values())))) {
                    self.set(e);
                    e.trainUntil(job.input(n, rank), steps);
                }
                return after;
            });
        } finally {
            fabric.transports().forEach(Transport::close);
        }
        List<Map<String, HostTensor>> singleSteps = singleSteps(job, steps);
        for (int s = 0; s < steps; s++) {
            Map<String, HostTensor> a = perStep.get(0).get(s), b = perStep.get(1).get(s);
            assertTrue(a.containsKey("bn/moving_mean") && a.containsKey("bn/moving_variance"), a.keySet().toString());
            Workers.assertBitwiseEqual(a, b, "step " + (s + 1));
            double[] replica = a.get("bn/moving_mean").toDoubles(), global = singleSteps.get(s).get("bn/moving_mean")
                    .toDoubles();
            for (int c = 0; c < global.length; c++) {
                assertEquals(global[c], replica[c], TOLERANCE * Math.max(1, Math.abs(global[c])),
                        "moving mean channel " + c + " after step " + (s + 1));
            }
        }
        // The halves' statistics differ, so a reducer that left state local would show here.
        assertFalse(Arrays.equals(localMean(job, 0), localMean(job, 1)), "the slices must have different means");
    }

    @Test
    void twoMicroBatchesPerWorkerGiveTheParametersOfOneProcess() throws Exception {
        int steps = 20;
        Workers.Job accumulating = Workers.Job.accumulating(2);
        Workers.Job whole = Workers.Job.accumulating(1);
        Map<String, HostTensor> one = Workers.single(whole, steps, dir.resolve("single"));
        List<Map<String, HostTensor>> workers = Workers.train(accumulating, 2, steps, dir.resolve("workers"));
        Workers.assertBitwiseEqual(workers.get(0), workers.get(1), "rank 1 vs rank 0");
        double diff = Workers.maxRelativeDifference(workers.get(1), one);
        System.out.printf("2 workers x 2 micro-batches vs one process: max relative difference %.3g%n", diff);
        assertTrue(diff <= TOLERANCE, "accumulating workers differ from one process by " + diff);
    }

    @Test
    void microBatchesThroughDropoutSeeTheMasksOfOneProcess() throws Exception {
        int steps = 20;
        Workers.Job job = Workers.Job.accumulatingWithDropout(2);
        Map<String, HostTensor> one = Workers.single(job, steps, dir.resolve("single-dropout"));
        List<Map<String, HostTensor>> workers = Workers.train(job, 2, steps, dir.resolve("workers-dropout"));
        Workers.assertBitwiseEqual(workers.get(0), workers.get(1), "rank 1 vs rank 0");
        double diff = Workers.maxRelativeDifference(workers.get(1), one);
        System.out.printf("2 workers x 2 micro-batches with dropout vs one process: max relative difference %.3g%n", diff);
        assertTrue(diff <= TOLERANCE, "micro-batch example offsets differ from one process's: " + diff);
    }

    private List<Map<String, HostTensor>> singleSteps(Workers.Job job, int steps) {
        List<Map<String, HostTensor>> after = new ArrayList<>();
        AtomicReference<Estimator> self = new AtomicReference<>();
        try (Estimator e = job.estimator(dir.resolve("single-steps"), Replica.SINGLE, GradientReducer.IDENTITY,
                onStep(ev -> after.add(self.get().values())))) {
            self.set(e);
            e.trainUntil(job.input(1, 0), steps);
        }
        return after;
    }

    /** The first input column's mean over rank {@code rank}'s first slice of a 2-worker job. */
    private static double[] localMean(Workers.Job job, int rank) {
        try (var it = job.input(2, rank).dataset().iterator()) {
            float[] x = it.next().features().get("x").floats();
            double m = 0;
            for (int i = 0; i < x.length; i += 8) {
                m += x[i];
            }
            return new double[] {m};
        }
    }

    static Listener onStep(java.util.function.Consumer<Listener.StepEvent> f) {
        return new Listener() {
            @Override
            public void onStep(StepEvent e) {
                f.accept(e);
            }
        };
    }
}
