package dev.lockstep.collective;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the all-reduce.
 *
 * @param stepTimeout how long one send or receive of one schedule step may wait for a peer
 * @param partBytes pipelining: each chunk goes out in parts of at most this many bytes, so a rank can
 *     forward the first part of a chunk while later parts are still arriving
 * @param halvingDoublingMaxBytes buckets up to this size use recursive halving/doubling when the world
 *     size is a power of two (fewer, latency-bound steps); larger buckets use the ring
 */
public record CollectiveOptions(Duration stepTimeout, int partBytes, long halvingDoublingMaxBytes) {
    public static final Duration DEFAULT_STEP_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_PART_BYTES = 256 << 10;
    public static final long DEFAULT_HALVING_DOUBLING_MAX_BYTES = 256 << 10;

    public CollectiveOptions {
        Objects.requireNonNull(stepTimeout, "stepTimeout");
        if (stepTimeout.isNegative() || stepTimeout.isZero()) {
            throw new IllegalArgumentException("stepTimeout must be positive, got " + stepTimeout);
        }
        if (partBytes < 8) {
            throw new IllegalArgumentException("partBytes must be >= 8 (one element), got " + partBytes);
        }
        if (halvingDoublingMaxBytes < 0) {
            throw new IllegalArgumentException(
                    "halvingDoublingMaxBytes must be >= 0, got " + halvingDoublingMaxBytes);
        }
    }

    public static CollectiveOptions defaults() {
        return new CollectiveOptions(DEFAULT_STEP_TIMEOUT, DEFAULT_PART_BYTES, DEFAULT_HALVING_DOUBLING_MAX_BYTES);
    }

    public CollectiveOptions withStepTimeout(Duration timeout) {
        return new CollectiveOptions(timeout, partBytes, halvingDoublingMaxBytes);
    }

    public CollectiveOptions withPartBytes(int bytes) {
        return new CollectiveOptions(stepTimeout, bytes, halvingDoublingMaxBytes);
    }

    public CollectiveOptions withHalvingDoublingMaxBytes(long bytes) {
        return new CollectiveOptions(stepTimeout, partBytes, bytes);
    }
}
