package dev.lockstep.worker;

import dev.lockstep.collective.Bucket;
import dev.lockstep.collective.CollectiveException;

/**
 * A step's payload could not be summed across workers, so the step applied nothing. Names this rank,
 * the bucket and the tensors in it, and (through the {@link CollectiveException} cause) the operation
 * and the peer that did not answer, e.g. {@code rank 0 of 3: summing bucket 0 of 1 of the step payload
 * (loss_sum, grad/out/kernel, ...) failed; nothing of this step was applied: all-reduce step 0 of bucket
 * 0 (...): no chunk from rank 2 (in-process) within 300 ms}.
 */
public final class ReduceFailedException extends RuntimeException {
    private final int rank;
    private final int peerRank;
    private final CollectiveException.Kind kind;

    ReduceFailedException(int rank, int worldSize, Bucket bucket, int buckets, CollectiveException cause) {
        super("rank " + rank + " of " + worldSize + ": summing bucket " + bucket.index() + " of " + buckets
                + " of the step payload (" + members(bucket) + ") failed; nothing of this step was applied: "
                + cause.getMessage(), cause);
        this.rank = rank;
        this.peerRank = cause.peerRank();
        this.kind = cause.kind();
    }

    /** A collective other than a step's payload (e.g. the start values from rank 0) failed. */
    ReduceFailedException(int rank, int worldSize, String what, CollectiveException cause) {
        super("rank " + rank + " of " + worldSize + ": summing " + what + " failed: " + cause.getMessage(), cause);
        this.rank = rank;
        this.peerRank = cause.peerRank();
        this.kind = cause.kind();
    }

    private static String members(Bucket b) {
        StringBuilder sb = new StringBuilder();
        int shown = Math.min(4, b.members().size());
        for (int i = 0; i < shown; i++) {
            sb.append(i == 0 ? "" : ", ").append(b.members().get(i).tensor().path());
        }
        if (shown < b.members().size()) {
            sb.append(", ... ").append(b.members().size() - shown).append(" more");
        }
        return sb.toString();
    }

    /** The rank that could not finish its reduce. */
    public int rank() {
        return rank;
    }

    /** The peer the collective blamed, or -1 where the failure was this rank's own. */
    public int peerRank() {
        return peerRank;
    }

    public CollectiveException.Kind kind() {
        return kind;
    }

    @Override
    public synchronized CollectiveException getCause() {
        return (CollectiveException) super.getCause();
    }
}
