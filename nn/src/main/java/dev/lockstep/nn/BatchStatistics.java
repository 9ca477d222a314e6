package dev.lockstep.nn;

/**
 * Where batch-normalization layers take their batch statistics from when a step runs on several
 * replicas (the job spec's {@code distributed.batch_norm}). In one process both are the statistics of
 * the batch.
 */
public enum BatchStatistics {
    /**
     * Each replica normalises with the statistics of its own slice of the batch; the moving statistics
     * are then averaged over replicas by the reduce (TensorFlow MirroredStrategy's MEAN), so every
     * replica holds the same state. N workers train what one process trains with N micro-batches.
     */
    LOCAL,
    /**
     * The statistics of the whole global batch: sums over every replica inside the forward pass (an
     * {@code all_reduce} of the per-channel sums and counts, then of the squared deviations), and their
     * gradients likewise in the backward pass. N workers train what one process trains on the same
     * global batch. Costs two small all-reduces per layer each way.
     */
    SYNC
}
