package dev.lockstep.worker;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.nn.BatchStatistics;
import dev.lockstep.tensor.HostTensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both batch-norm policies on N workers against the single process they are defined by. The inputs are
 * shifted by column so that slices of a batch have different statistics from the whole batch.
 */
class BatchNormPoliciesTest {
    static final double TOLERANCE = 1e-5;
    static final int STEPS = 12;

    @TempDir
    Path dir;

    /**
     * {@code sync}: every replica normalises with the statistics of the global batch (all-reduced inside
     * the forward pass, and their gradients inside the backward pass), so N workers train what one
     * process trains on the global batch: parameters, optimizer slots and moving statistics alike.
     */
    @Test
    void syncStatisticsOnTwoAndFourWorkersTrainWhatOneProcessTrainsOnTheGlobalBatch() throws Exception {
        Workers.Job job = Workers.Job.denseBatchNorm().withBatchStatistics(BatchStatistics.SYNC);
        Map<String, HostTensor> one = Workers.single(job, STEPS, dir.resolve("single"));
        for (int n : new int[] {2, 4}) {
            List<Map<String, HostTensor>> workers = Workers.train(job, n, STEPS, dir.resolve("sync" + n));
            for (int r = 1; r < n; r++) {
                Workers.assertBitwiseEqual(workers.get(0), workers.get(r), n + " workers, rank " + r + " vs rank 0");
            }
            double diff = Workers.maxRelativeDifference(workers.get(0), one);
            System.out.printf("batch_norm sync, %d workers vs one process: max relative difference %.3g%n", n, diff);
            assertTrue(diff <= TOLERANCE, n + " workers with sync statistics differ from one process by " + diff);
        }
        // The control: local statistics on the same slices give another model, so the check above can fail.
        List<Map<String, HostTensor>> local = Workers.train(job.withBatchStatistics(BatchStatistics.LOCAL), 2, STEPS,
                dir.resolve("local2"));
        double localDiff = Workers.maxRelativeDifference(local.get(0), one);
        assertTrue(localDiff > 100 * TOLERANCE, "local statistics should differ from the global batch's: " + localDiff);
    }

    /**
     * {@code local}: each replica normalises with its own slice, which is what one process does with the
     * slices as micro-batches (its gradients are summed over them and divided by the global batch). The
     * parameters and optimizer slots match; the moving statistics are the MEAN over replicas of each
     * replica's update, where one process chains the micro-batches' updates, so they are left out.
     */
    @Test
    void localStatisticsOnTwoWorkersTrainWhatOneProcessTrainsWithTheSlicesAsMicroBatches() throws Exception {
        Workers.Job job = Workers.Job.denseBatchNorm();
        Map<String, HostTensor> micro = withoutMovingStatistics(Workers.single(job.asMicroBatches(2), STEPS,
                dir.resolve("micro")));
        Map<String, HostTensor> whole = withoutMovingStatistics(Workers.single(job, STEPS, dir.resolve("whole")));
        List<Map<String, HostTensor>> workers = Workers.train(job, 2, STEPS, dir.resolve("local"));
        Map<String, HostTensor> rank0 = withoutMovingStatistics(workers.get(0));
        double diff = Workers.maxRelativeDifference(rank0, micro);
        System.out.printf("batch_norm local, 2 workers vs one process with 2 micro-batches: max relative "
                + "difference %.3g%n", diff);
        assertTrue(diff <= TOLERANCE, "2 workers with local statistics differ from 2 micro-batches by " + diff);
        double wholeDiff = Workers.maxRelativeDifference(rank0, whole);
        assertTrue(wholeDiff > 100 * TOLERANCE, "and differ from one batch's statistics: " + wholeDiff);
    }

    private static Map<String, HostTensor> withoutMovingStatistics(Map<String, HostTensor> values) {
        Map<String, HostTensor> out = values.entrySet().stream().filter(e -> !e.getKey().contains("moving_"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertTrue(out.size() < values.size() && out.containsKey("bn/gamma"), values.keySet().toString());
        return out;
    }
}
