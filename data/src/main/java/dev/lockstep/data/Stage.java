package dev.lockstep.data;

/**
 * One node of an immutable pipeline description. Pipelines are linear chains, so a cursor is one small
 * {@code long[]} per stage, indexed by position from the source ({@link #length()} - 1 for this stage).
 */
interface Stage<T> {
    /** Stages from the source to this one, inclusive. */
    int length();

    /** This stage and its upstream, e.g. {@code tfrecord(3 files) > shuffle(1000, seed=7)}; checked on resume. */
    String describe();

    /** Starts an engine at the position in {@code open.states()}, or at the start of the epoch when null. */
    StageIterator<T> open(Open open);

    /** The stage this one reads from; null for a source. Records with an {@code upstream} component override it. */
    default Stage<?> upstream() {
        return null;
    }

    /** What an engine is opened with: the epoch (drives reshuffling), the saved states, shared counters. */
    record Open(long epoch, long[][] states, Counters counters) {
        /** This stage's saved state, or null when starting fresh. */
        long[] own(Stage<?> stage) {
            return states == null ? null : states[stage.length() - 1];
        }

        Open fresh(long newEpoch) {
            return new Open(newEpoch, null, counters);
        }
    }
}
