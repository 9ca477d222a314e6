package dev.lockstep.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lockstep.device.conformance.ReferenceDevice;
import dev.lockstep.graph.AllReduce;
import dev.lockstep.nn.layers.BatchNormalization;
import dev.lockstep.nn.layers.Dense;
import dev.lockstep.tensor.HostTensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code batch_norm: sync} traces the statistics as sums over replicas: in one process (a single
 * replica) it trains exactly what the local statistics train, and each layer adds two all-reduces to the
 * forward pass and two to the backward pass; {@code local} adds none.
 */
class SyncBatchStatisticsTest {
    private static final HostTensor X = HostTensor.ofFloats(new float[] {0, 1, 2, 3, 5, -1, 4, 2}, 4, 2);
    private static final HostTensor Y = HostTensor.ofFloats(new float[] {0, -1, -2, -3}, 4, 1);

    private static TrainLoop loop(BatchStatistics policy) {
        // After a dense layer, so the statistics' gradients flow back into parameters.
        Sequential model = Sequential.of("in", new Dense(3), "bn",
                new BatchNormalization().unbiasedMovingVariance().withMomentum(0.8), "out", new Dense(1));
        var config = TrainStep.Config.of(Optimizer.Adam.standard(), 3).withBatchStatistics(policy);
        return new TrainLoop(new ReferenceDevice(), model, Fixtures.mse(model), Map.of("x", X.type()),
                Map.of("y", Y.type()), config, new LearningRate.Constant(0.01));
    }

    @Test
    void inOneProcessSyncStatisticsTrainWhatLocalStatisticsTrain() {
        try (TrainLoop sync = loop(BatchStatistics.SYNC); TrainLoop local = loop(BatchStatistics.LOCAL)) {
            for (int i = 0; i < 30; i++) {
                sync.step(Map.of("x", X), Map.of("y", Y));
                local.step(Map.of("x", X), Map.of("y", Y));
            }
            assertEquals(local.values.keySet(), sync.values.keySet());
            for (String k : local.values.keySet()) {
                double[] a = sync.values.get(k).toDoubles(), b = local.values.get(k).toDoubles();
                for (int i = 0; i < a.length; i++) {
                    assertEquals(b[i], a[i], 1e-5 * Math.max(1, Math.abs(b[i])), k + "[" + i + "]");
                }
            }
            assertEquals(4, allReduces(sync), "two all-reduces forward (sums and count, squared deviations), two back");
            assertEquals(0, allReduces(local));
        }
    }

    private static long allReduces(TrainLoop loop) {
        return loop.gradient.graph().nodes().stream().filter(n -> n.op() instanceof AllReduce).count();
    }
}
