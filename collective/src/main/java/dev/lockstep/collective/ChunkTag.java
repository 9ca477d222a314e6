package dev.lockstep.collective;

/**
 * Names one message of a collective: the operation's sequence number (every rank numbers its collective
 * calls the same way), the bucket, the schedule step and the pipelining part.
 */
public record ChunkTag(long operation, int bucket, int step, int part) {
    @Override
    public String toString() {
        return "operation " + operation + " bucket " + bucket + " step " + step + " part " + part;
    }
}
