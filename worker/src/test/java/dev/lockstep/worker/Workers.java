package dev.lockstep.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.collective.CollectiveOptions;
import dev.lockstep.collective.LocalFabric;
import dev.lockstep.collective.Transport;
import dev.lockstep.data.Examples;
import dev.lockstep.data.Synthetic;
import dev.lockstep.estimator.Batch;
import dev.lockstep.estimator.Builder;
import dev.lockstep.estimator.Estimator;
import dev.lockstep.estimator.GradientReducer;
import dev.lockstep.estimator.Head;
import dev.lockstep.estimator.InputFn;
import dev.lockstep.estimator.Listener;
import dev.lockstep.estimator.ModelFn;
import dev.lockstep.estimator.Replica;
import dev.lockstep.estimator.RunConfig;
import dev.lockstep.nn.BatchStatistics;
import dev.lockstep.nn.GradientTransform;
import dev.lockstep.nn.LearningRate;
import dev.lockstep.nn.Module;
import dev.lockstep.nn.Optimizer;
import dev.lockstep.nn.Sequential;
import dev.lockstep.nn.layers.Activation;
import dev.lockstep.nn.layers.BatchNormalization;
import dev.lockstep.nn.layers.Dense;
import dev.lockstep.nn.layers.Dropout;
import dev.lockstep.tensor.HostTensor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Test helpers: the jobs the tests train (a model, its model function, its input and optimizer, all
 * pure functions of the seed), N workers as threads of one JVM, and comparisons of training state.
 */
final class Workers {
    static final int GLOBAL_BATCH = 32;
    static final long SEED = 7;
    /** Generous: the first step of each rank traces and compiles, at different speeds on a busy machine. */
    static final CollectiveOptions OPTIONS = CollectiveOptions.defaults().withStepTimeout(Duration.ofSeconds(30));
    /** Small, so a step's payload spans several buckets. */
    static final long BUCKET_CAP = 1 << 10;
    static final Duration LIMIT = Duration.ofMinutes(3);

    private Workers() {}

    /** What every worker builds identically: model tree, model function and training settings. */
    record Job(Supplier<Module> model, int microBatches, int microGlobalBatch, BatchStatistics batchStatistics) {
        Job(Supplier<Module> model, int microBatches, int microGlobalBatch) {
            this(model, microBatches, microGlobalBatch, BatchStatistics.LOCAL);
        }

        static Job mlpWithDropout() {
            return new Job(() -> Sequential.of("hidden", new Dense(16, Activation.Fn.TANH), "drop", new Dropout(0.25),
                    "hidden2", new Dense(8, Activation.Fn.RELU), "out", new Dense(1)), 1, GLOBAL_BATCH);
        }

        static Job batchNorm() {
            return new Job(() -> Sequential.of("bn", new BatchNormalization(), "hidden",
                    new Dense(16, Activation.Fn.TANH), "out", new Dense(1)), 1, GLOBAL_BATCH);
        }

        /** Batch norm between dense layers: its statistics' gradients reach the first layer's parameters. */
        static Job denseBatchNorm() {
            return new Job(() -> Sequential.of("in", new Dense(6, Activation.Fn.TANH), "bn", new BatchNormalization(),
                    "hidden", new Dense(16, Activation.Fn.TANH), "out", new Dense(1)), 1, GLOBAL_BATCH);
        }

        /** k micro-batches per step; each micro-batch is a global batch of GLOBAL_BATCH / k sliced over ranks. */
        static Job accumulating(int k) {
            return new Job(() -> Sequential.of("hidden", new Dense(16, Activation.Fn.TANH), "out", new Dense(1)), k,
                    GLOBAL_BATCH / k);
        }

        /** k micro-batches per step through dropout: its masks are keyed by each example's global index. */
        static Job accumulatingWithDropout(int k) {
            return new Job(() -> Sequential.of("hidden", new Dense(16, Activation.Fn.TANH), "drop", new Dropout(0.3),
                    "out", new Dense(1)), k, GLOBAL_BATCH / k);
        }

        Job withGlobalBatch(int global) {
            return new Job(model, microBatches, global, batchStatistics);
        }

        Job withBatchStatistics(BatchStatistics policy) {
            return new Job(model, microBatches, microGlobalBatch, policy);
        }

        /** The same model in one process with k micro-batches, each a global batch of this job's over k. */
        Job asMicroBatches(int k) {
            return new Job(model, microBatches * k, microGlobalBatch / k, batchStatistics);
        }

        /** This rank's input: its slice of every (micro-)global batch of one synthetic regression stream. */
        InputFn input(int worldSize, int rank) {
            return () -> Synthetic.linearRegression(160, 8, 0.1, 5).repeat()
                    .globalBatchSlice(microGlobalBatch, worldSize, rank)
                    .map(Examples::stack)
                    .map(m -> Batch.split(shifted(m), Set.of("y")));
        }

        Estimator estimator(Path dir, Replica replica, GradientReducer reducer, Listener... listeners) {
            Module m = model().get();
            Head head = new Head.Regression();
            ModelFn fn = (scope, f, l, mode) -> head.apply(m.call(scope, f.get("x")), l.get("y"), mode);
            Builder b = Estimator.builder(m, fn, RunConfig.of(dir, SEED).withCheckpoints(0, Duration.ZERO, 3))
                    .optimizer(Optimizer.Adam.standard())
                    .learningRate(new LearningRate.Constant(0.01))
                    .gradientTransform(GradientTransform.chain(new GradientTransform.ClipByGlobalNorm(1.0)))
                    .microBatches(microBatches)
                    .batchStatistics(batchStatistics);
            for (Listener l : listeners) {
                b.listener(l);
            }
            if (replica.worldSize() > 1) {
                b.replica(replica, reducer);
            }
            return b.build();
        }
    }

    /** Shifts the inputs away from zero mean so batch statistics differ between slices. */
    private static Map<String, HostTensor> shifted(Map<String, HostTensor> batch) {
        HostTensor x = batch.get("x");
        float[] v = x.floats().clone();
        int width = x.shape().dim(1);
        for (int i = 0; i < v.length; i++) {
            v[i] = v[i] * (1 + i % width % 3) + 0.5f; // by column only, never by position in the batch
        }
        return Map.of("x", HostTensor.wrap(x.type(), v), "y", batch.get("y"));
    }

    /** Runs {@code body(rank)} on N threads and returns the results in rank order; every wait is bounded. */
    static <T> List<T> run(int n, IntFunction<T> body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                int rank = r;
                futures.add(pool.submit(() -> body.apply(rank)));
            }
            long deadline = System.nanoTime() + LIMIT.toNanos();
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                try {
                    out.add(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (ExecutionException e) {
                    throw new AssertionError("a worker failed: " + e.getCause(), e.getCause());
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS), "worker threads did not stop");
        }
    }

    /** N workers over one LocalFabric, each trained to {@code steps}; returns each rank's final values. */
    static List<Map<String, HostTensor>> train(Job job, int n, int steps, Path dir) throws Exception {
        return train(job, n, steps, dir, rank -> new Listener() { });
    }

    /** The same, with a listener per rank. */
    static List<Map<String, HostTensor>> train(Job job, int n, int steps, Path dir, IntFunction<Listener> listener)
            throws Exception {
        LocalFabric fabric = LocalFabric.create(n);
        try {
            return run(n, rank -> {
                var reducer = new CollectiveReducer(fabric.transport(rank), OPTIONS, BUCKET_CAP);
                try (Estimator e = job.estimator(dir.resolve("rank" + rank), new Replica(rank, n), reducer,
                        listener.apply(rank))) {
                    e.trainUntil(job.input(n, rank), steps);
                    return e.values();
                }
            });
        } finally {
            fabric.transports().forEach(Transport::close);
        }
    }

    /** One process on the whole global batch. */
    static Map<String, HostTensor> single(Job job, int steps, Path dir) {
        try (Estimator e = job.estimator(dir, Replica.SINGLE, GradientReducer.IDENTITY)) {
            e.trainUntil(job.input(1, 0), steps);
            return e.values();
        }
    }

    static void assertBitwiseEqual(Map<String, HostTensor> a, Map<String, HostTensor> b, String what) {
        assertEquals(a.keySet(), b.keySet(), what);
        for (String k : a.keySet()) {
            assertTrue(bitwiseEqual(a.get(k), b.get(k)), what + ": " + k + " differs: " + a.get(k) + " vs " + b.get(k));
        }
    }

    static boolean bitwiseEqual(HostTensor a, HostTensor b) {
        return a.type().equals(b.type()) && switch (a.array()) {
            case float[] f -> Arrays.equals(f, (float[]) b.array());
            case double[] d -> Arrays.equals(d, (double[]) b.array());
            case int[] x -> Arrays.equals(x, (int[]) b.array());
            case long[] x -> Arrays.equals(x, (long[]) b.array());
            case boolean[] x -> Arrays.equals(x, (boolean[]) b.array());
            default -> throw new IllegalArgumentException(a.toString());
        };
    }

    /**
     * The largest difference between {@code actual} and {@code expected} over every tensor, each element's
     * difference relative to the largest magnitude in its tensor (elements near zero have no scale of their own).
     */
    static double maxRelativeDifference(Map<String, HostTensor> actual, Map<String, HostTensor> expected) {
        assertEquals(expected.keySet(), actual.keySet());
        double worst = 0;
        for (String k : expected.keySet()) {
            double[] x = actual.get(k).toDoubles(), y = expected.get(k).toDoubles();
            double scale = 0;
            for (double v : y) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < y.length; i++) {
                worst = Math.max(worst, Math.abs(x[i] - y[i]) / Math.max(scale, 1e-30));
            }
        }
        return worst;
    }
}
