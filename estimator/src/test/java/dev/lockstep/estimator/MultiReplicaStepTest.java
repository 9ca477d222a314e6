package dev.lockstep.estimator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.lockstep.device.conformance.ReferenceDevice;
import dev.lockstep.nn.InitialValues;
import dev.lockstep.nn.Module;
import dev.lockstep.nn.Optimizer;
import dev.lockstep.nn.Role;
import dev.lockstep.nn.Sequential;
import dev.lockstep.nn.StepLayout;
import dev.lockstep.nn.TrainStep;
import dev.lockstep.nn.layers.Activation;
import dev.lockstep.nn.layers.BatchNormalization;
import dev.lockstep.nn.layers.Dense;
import dev.lockstep.nn.layers.Dropout;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Issue 8's acceptance test: two replicas in one JVM (two threads, two devices), each with its half of
 * every global batch, summing their payloads with an in-memory all-reduce, against one runner on the
 * whole batch.
 */
class MultiReplicaStepTest {
    static final int GLOBAL = 16, LOCAL = 8, STEPS = 5;
    static final double LR = 0.05;
    static final TrainStep.Config CONFIG = TrainStep.Config.of(Optimizer.Adam.standard(), 11);

    static Module bnDropout() {
        return Sequential.of("bn", new BatchNormalization(), "hidden", new Dense(6, Activation.Fn.TANH),
                "drop", new Dropout(0.3), "out", new Dense(1));
    }

    static Module mlpDropout() {
        return Sequential.of("hidden", new Dense(6, Activation.Fn.TANH), "drop", new Dropout(0.3),
                "out", new Dense(1));
    }

    static StepRunner runner(Module model, int batch, GradientReducer reducer) {
        StepLayout layout = TrainStep.layout(model, StepRunnerTest.mse(model),
                Map.of("x", TensorType.of(DType.F64, batch, 3)), Map.of("y", TensorType.of(DType.F64, batch, 1)),
                CONFIG);
        return new StepRunner(new ReferenceDevice(), layout, InitialValues.of(model, CONFIG), reducer);
    }

    /** The global batch of {@code step}; inputs are shifted per step so batch statistics move. */
    static Map<String, HostTensor> global(int step) {
        Map<String, HostTensor> b = StepRunnerTest.batches(DType.F64, GLOBAL, GLOBAL, 100 + step).getFirst();
        double[] x = b.get("features/x").toDoubles();
        for (int i = 0; i < x.length; i++) {
            x[i] = x[i] * (1 + i % 3) + (i < x.length / 2 ? 0.7 : -0.4); // the two halves differ
        }
        return Map.of("features/x", HostTensor.fromDoubles(TensorType.of(DType.F64, GLOBAL, 3), x),
                "labels/y", b.get("labels/y"));
    }

    static HostTensor rows(HostTensor t, int rank) {
        return rows(t, rank * LOCAL, LOCAL);
    }

    static HostTensor rows(HostTensor t, int from, int n) {
        int width = t.shape().dim(1);
        return HostTensor.fromDoubles(TensorType.of(t.type().dtype(), n, width),
                Arrays.copyOfRange(t.toDoubles(), from * width, (from + n) * width));
    }

    /** Rank {@code rank}'s half of {@code batch} as {@code micro} consecutive micro-batches. */
    static List<Map<String, HostTensor>> microBatches(Map<String, HostTensor> batch, int rank, int micro) {
        List<Map<String, HostTensor>> out = new ArrayList<>();
        int size = LOCAL / micro;
        for (int m = 0; m < micro; m++) {
            int from = rank * LOCAL + m * size;
            out.add(Map.of("features/x", rows(batch.get("features/x"), from, size),
                    "labels/y", rows(batch.get("labels/y"), from, size)));
        }
        return out;
    }

    /** The first {@code n} rows of a [rows, k] tensor. */
    static HostTensor firstRows(HostTensor t, int n) {
        int width = t.shape().dim(1);
        return HostTensor.fromDoubles(TensorType.of(t.type().dtype(), n, width),
                Arrays.copyOf(t.toDoubles(), n * width));
    }

    /** Runs two replicas for {@link #STEPS} steps; returns each rank's values after every step. */
    static List<List<Map<String, HostTensor>>> twoReplicas(Supplier<Module> model, InMemoryAllReduce reduce,
                                                           boolean skipState) throws Exception {
        return twoReplicas(model, reduce, skipState, 1);
    }

    static List<List<Map<String, HostTensor>>> twoReplicas(Supplier<Module> model, InMemoryAllReduce reduce,
                                                           boolean skipState, int micro) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<Map<String, HostTensor>>>> ranks = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                int rank = r;
                Replica replica = new Replica(rank, 2);
                GradientReducer reducer = skipState ? reduce.forRank(rank, p -> p.role() != Role.STATE)
                        : reduce.forRank(rank);
                ranks.add(pool.submit(() -> {
                    List<Map<String, HostTensor>> after = new ArrayList<>();
                    try (StepRunner runner = runner(model.get(), LOCAL / micro, reducer)) {
                        for (int s = 0; s < STEPS; s++) {
                            runner.step(microBatches(global(s), rank, micro), s, replica.exampleOffset(s, LOCAL), LR);
                            after.add(runner.values());
                        }
                    }
                    return after;
                }));
            }
            return List.of(ranks.get(0).get(60, TimeUnit.SECONDS), ranks.get(1).get(60, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
    }

    static List<Map<String, HostTensor>> oneRunner(Module model) {
        List<Map<String, HostTensor>> after = new ArrayList<>();
        try (StepRunner runner = runner(model, GLOBAL, GradientReducer.IDENTITY)) {
            for (int s = 0; s < STEPS; s++) {
                runner.step(List.of(global(s)), s, Replica.SINGLE.exampleOffset(s, GLOBAL), LR);
                after.add(runner.values());
            }
        }
        return after;
    }

    @Test
    void replicasHoldBitwiseIdenticalParametersSlotsAndBatchNormStateAfterEveryStep() throws Exception {
        var runs = twoReplicas(MultiReplicaStepTest::bnDropout, new InMemoryAllReduce(2), false);
        for (int s = 0; s < STEPS; s++) {
            Map<String, HostTensor> a = runs.get(0).get(s), b = runs.get(1).get(s);
            assertEquals(a.keySet(), b.keySet());
            assertEquals(true, a.containsKey("bn/moving_mean") && a.containsKey("slot/out/kernel/adam_m"));
            for (String k : a.keySet()) {
                assertArrayEquals((double[]) a.get(k).array(), (double[]) b.get(k).array(), "step " + s + " " + k);
            }
        }
    }

    @Test
    void aReducerThatSkipsLayerStateLetsBatchNormStatisticsDivergeWhileParametersAgree() throws Exception {
        var runs = twoReplicas(MultiReplicaStepTest::bnDropout, new InMemoryAllReduce(2), true);
        Map<String, HostTensor> a = runs.get(0).getFirst(), b = runs.get(1).getFirst();
        assertFalse(Arrays.equals((double[]) a.get("bn/moving_mean").array(),
                (double[]) b.get("bn/moving_mean").array()), "the halves differ, so local statistics must differ");
        assertArrayEquals((double[]) a.get("out/kernel").array(), (double[]) b.get("out/kernel").array());
    }

    @Test
    void twoReplicasOfAnMlpWithDropoutEqualOneRunnerOnTheCombinedBatch() throws Exception {
        var runs = twoReplicas(MultiReplicaStepTest::mlpDropout, new InMemoryAllReduce(2), false);
        var single = oneRunner(mlpDropout());
        for (int s = 0; s < STEPS; s++) {
            Map<String, HostTensor> one = single.get(s), replica = runs.get(0).get(s);
            assertEquals(one.keySet(), replica.keySet());
            for (String k : one.keySet()) {
                double[] x = one.get(k).toDoubles(), y = replica.get(k).toDoubles();
                for (int i = 0; i < x.length; i++) {
                    assertEquals(x[i], y[i], 1e-6, "step " + s + " " + k + "[" + i + "]");
                }
            }
        }
        // The dropout masks matter: without them the comparison above would hold for any offsets.
        assertFalse(Arrays.equals(single.get(STEPS - 1).get("out/kernel").toDoubles(),
                oneRunner(Sequential.of("hidden", new Dense(6, Activation.Fn.TANH), "out", new Dense(1)))
                        .get(STEPS - 1).get("out/kernel").toDoubles()));
    }

    @Test
    void twoMicroBatchesPerReplicaStillEqualOneRunnerOnTheCombinedBatch() throws Exception {
        var runs = twoReplicas(MultiReplicaStepTest::mlpDropout, new InMemoryAllReduce(2), false, 2);
        var single = oneRunner(mlpDropout());
        for (String k : single.get(STEPS - 1).keySet()) {
            double[] x = single.get(STEPS - 1).get(k).toDoubles(), y = runs.get(1).get(STEPS - 1).get(k).toDoubles();
            assertArrayEquals((double[]) runs.get(0).get(STEPS - 1).get(k).array(),
                    (double[]) runs.get(1).get(STEPS - 1).get(k).array(), k);
            for (int i = 0; i < x.length; i++) {
                assertEquals(x[i], y[i], 1e-6, k + "[" + i + "]");
            }
        }
    }

    @Test
    void batchNormMovingMeansAreTheEmaOfTheGlobalBatchMeanAndVariancesAverageTheReplicas() throws Exception {
        var runs = twoReplicas(MultiReplicaStepTest::bnDropout, new InMemoryAllReduce(2), false);
        var single = oneRunner(bnDropout());
        double[] var = {1, 1, 1};
        for (int s = 0; s < STEPS; s++) {
            double[] x = global(s).get("features/x").toDoubles();
            for (int c = 0; c < 3; c++) {
                double[] localVar = new double[2];
                for (int r = 0; r < 2; r++) {
                    double m = 0, v = 0;
                    for (int i = r * LOCAL; i < (r + 1) * LOCAL; i++) {
                        m += x[i * 3 + c] / LOCAL;
                    }
                    for (int i = r * LOCAL; i < (r + 1) * LOCAL; i++) {
                        v += (x[i * 3 + c] - m) * (x[i * 3 + c] - m) / LOCAL;
                    }
                    localVar[r] = v;
                }
                var[c] = 0.99 * var[c] + 0.01 * (localVar[0] + localVar[1]) / 2;
            }
            double[] globalMean = single.get(s).get("bn/moving_mean").toDoubles();
            double[] replicaMean = runs.get(1).get(s).get("bn/moving_mean").toDoubles();
            double[] replicaVar = runs.get(1).get(s).get("bn/moving_variance").toDoubles();
            for (int c = 0; c < 3; c++) {
                assertEquals(globalMean[c], replicaMean[c], 1e-6, "moving mean, step " + s + ", channel " + c);
                assertEquals(var[c], replicaVar[c], 1e-9, "moving variance, step " + s + ", channel " + c);
            }
        }
    }
}
