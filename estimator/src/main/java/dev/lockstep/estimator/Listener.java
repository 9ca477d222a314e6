package dev.lockstep.estimator;

import java.nio.file.Path;
import java.util.Map;

/** Callbacks for training progress; every method has an empty default. Called on the training thread. */
public interface Listener {
    /** After each optimizer step: the apply program's metrics, timing and how long the step waited for data. */
    record StepEvent(long step, Map<String, Double> metrics, long examples, double stepSeconds,
                     double dataWaitSeconds, double learningRate) {}

    record EvaluationEvent(long step, Map<String, Double> metrics, long examples) {}

    record CheckpointEvent(long step, Path directory, long bytes, double seconds) {}

    default void onStep(StepEvent e) {}

    default void onEvaluation(EvaluationEvent e) {}

    default void onCheckpoint(CheckpointEvent e) {}
}
