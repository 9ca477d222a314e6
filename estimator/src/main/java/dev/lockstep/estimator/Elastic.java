package dev.lockstep.estimator;

import dev.lockstep.data.BatchShare;

/**
 * Lets the replicas of an elastic job keep training when their world changes (a worker died, or one
 * joins): a step whose reduce fails because of the change ({@link #worldChanging}) has applied nothing
 * (invariant 7), so the loop asks {@link #rejoin} for its place in the new world, takes the training
 * state of the new chief ({@link GradientReducer#startFromChief}) and redoes the step on the same
 * global batch, sliced for the new world. Without it every failed step is fatal.
 */
public interface Elastic {
    /** Whether {@code failure} of a step means the world is being re-formed, rather than a fault. */
    boolean worldChanging(RuntimeException failure);

    /**
     * Blocks, bounded, until the new world is formed and the reducer is bound to it; returns this
     * process's place in it. Throws when the job cannot go on (too few workers), naming why.
     *
     * @param step the step that failed (training state is at the end of {@code step}, nothing of the
     *     failed step applied)
     */
    Placement rejoin(long step, RuntimeException failure);

    /**
     * A replica's place in a world: its rank and world size, and how the global batch is shared (the
     * training input re-reads it, see {@link InputFn}).
     */
    record Placement(Replica replica, BatchShare share) {}
}
