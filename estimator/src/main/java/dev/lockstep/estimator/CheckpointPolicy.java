package dev.lockstep.estimator;

import java.time.Duration;

/**
 * When the training loop saves a checkpoint: a pure function of the step just applied, the step of
 * the last save (or of the start of this run) and the time since then, as read from the loop's
 * injected clock. A steps-only policy gives the same answer on every rank. A time-based one depends
 * on the clock of whoever evaluates it, so a distributed job must decide it in one place (the chief)
 * and broadcast the decision with the step, never let every rank read its own clock.
 */
@FunctionalInterface
public interface CheckpointPolicy {
    boolean due(long step, long lastSavedStep, long nanosSinceLastSave);

    /** Every {@code steps} steps (0: never by steps). */
    static CheckpointPolicy everySteps(long steps) {
        return every(steps, Duration.ZERO);
    }

    /** Every {@code steps} steps or every {@code interval}, whichever comes first (0 disables either). */
    static CheckpointPolicy every(long steps, Duration interval) {
        if (steps < 0 || interval.isNegative()) {
            throw new IllegalArgumentException("checkpoint cadence must be >= 0, got " + steps + " steps and "
                    + interval);
        }
        long nanos = interval.toNanos();
        return (step, last, elapsed) -> (steps > 0 && step - last >= steps) || (nanos > 0 && elapsed >= nanos);
    }

    /** The cadence of {@code run}: {@code checkpointEverySteps} and {@code checkpointEvery}. */
    static CheckpointPolicy of(RunConfig run) {
        return every(run.checkpointEverySteps(), run.checkpointEvery());
    }
}
