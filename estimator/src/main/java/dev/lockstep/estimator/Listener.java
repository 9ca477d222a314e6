package dev.lockstep.estimator;

import java.nio.file.Path;
import java.util.Map;

/** Callbacks for training progress; every method has an empty default. Called on the training thread. */
public interface Listener {
    /**
     * After each optimizer step: the apply program's metrics, timing, how long the step waited for data,
     * and how many corrupt input records the pipeline skipped since the previous step (only when the
     * source allows skipping; counted in the step whose batch follows the skipped record, so once however
     * far prefetch reads ahead), with the last one's description (file, byte offset and skipped byte
     * range), or null when none was skipped.
     */
    record StepEvent(long step, Map<String, Double> metrics, long examples, double stepSeconds,
                     double dataWaitSeconds, double learningRate, long corruptRecordsSkipped, String lastCorruption) {
        /** A step that skipped no corrupt records. */
        public StepEvent(long step, Map<String, Double> metrics, long examples, double stepSeconds,
                         double dataWaitSeconds, double learningRate) {
            this(step, metrics, examples, stepSeconds, dataWaitSeconds, learningRate, 0, null);
        }
    }

    record EvaluationEvent(long step, Map<String, Double> metrics, long examples) {}

    record CheckpointEvent(long step, Path directory, long bytes, double seconds) {}

    default void onStep(StepEvent e) {}

    default void onEvaluation(EvaluationEvent e) {}

    default void onCheckpoint(CheckpointEvent e) {}
}
