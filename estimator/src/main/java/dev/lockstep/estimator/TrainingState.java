package dev.lockstep.estimator;

import dev.lockstep.data.Cursor;
import dev.lockstep.tensor.HostTensor;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a replica holds between steps that its peers must agree on: every variable and slot by key
 * (in the same order on every replica), the global step, the training input's position after it
 * ({@code null} before a fresh job's first step) and its epoch. A replica that joins a running job takes
 * the chief's ({@link GradientReducer#startFromChief}).
 */
public record TrainingState(Map<String, HostTensor> values, long step, Cursor cursor, long epoch) {
    public TrainingState {
        Objects.requireNonNull(values, "values");
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
    }

    /** The same position with other values (the chief's). */
    public TrainingState withValues(Map<String, HostTensor> v) {
        return new TrainingState(v, step, cursor, epoch);
    }
}
