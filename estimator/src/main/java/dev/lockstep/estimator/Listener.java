package dev.lockstep.estimator;

import dev.lockstep.data.Cursor;
import java.nio.file.Path;
import java.util.Map;

/** Callbacks for training progress; every method has an empty default. Called on the training thread. */
public interface Listener {
    /**
     * After each optimizer step: the apply program's metrics, timing, how long the step waited for data,
     * and how many corrupt input records the pipeline skipped since the previous step (only when the
     * source allows skipping; counted in the step whose batch follows the skipped record, so once however
     * far prefetch reads ahead), with the last one's description (file, byte offset and skipped byte
     * range), or null when none was skipped; and the training input's position after the step (the
     * same on every replica and world size: it counts global batches), or null where not known.
     */
    record StepEvent(long step, Map<String, Double> metrics, long examples, double stepSeconds,
                     double dataWaitSeconds, double learningRate, long corruptRecordsSkipped, String lastCorruption,
                     StepTimes times, Cursor dataCursor) {
        /** A step that skipped no corrupt records, without a split of its time or a data position. */
        public StepEvent(long step, Map<String, Double> metrics, long examples, double stepSeconds,
                         double dataWaitSeconds, double learningRate) {
            this(step, metrics, examples, stepSeconds, dataWaitSeconds, learningRate, 0, null, StepTimes.NONE, null);
        }
    }

    /**
     * Where a step's time went after its data arrived, in seconds: the gradient program (forward and
     * backward), the reduce (waiting for and summing every replica's payload; 0 in one process) and the
     * apply program with the commit.
     */
    record StepTimes(double compute, double reduce, double apply) {
        public static final StepTimes NONE = new StepTimes(0, 0, 0);
    }

    record EvaluationEvent(long step, Map<String, Double> metrics, long examples) {}

    record CheckpointEvent(long step, Path directory, long bytes, double seconds) {}

    default void onStep(StepEvent e) {}

    default void onEvaluation(EvaluationEvent e) {}

    default void onCheckpoint(CheckpointEvent e) {}
}
