package dev.lockstep.estimator.checkpoint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Evaluation, prediction or export was asked of trained weights, but the model directory holds no valid
 * checkpoint: running on freshly initialised weights would give a plausible-looking but meaningless answer.
 */
public final class NoCheckpointException extends IllegalStateException implements ModelDirProblem {
    private static final long serialVersionUID = 1L;
    private final transient Path modelDir;

    /** {@code committed}: the steps of the checkpoints found (all of which failed verification), newest first. */
    public NoCheckpointException(Path modelDir, List<Long> committed) {
        super(message(modelDir, committed));
        this.modelDir = modelDir;
    }

    @Override
    public Path modelDir() {
        return modelDir;
    }

    private static String message(Path dir, List<Long> committed) {
        String why;
        if (!Files.exists(dir)) {
            why = "no checkpoint: the model directory " + dir + " does not exist (a typo in the path?)";
        } else if (committed.isEmpty()) {
            why = "no checkpoint in the model directory " + dir + " (no ckpt-<step> directory there)";
        } else {
            why = "no valid checkpoint in the model directory " + dir + ": every checkpoint (steps " + committed
                    + ") failed verification, see the warnings above";
        }
        return why + ". Train first or point at the right model directory; to run on untrained weights anyway, "
                + "allow it explicitly (--allow-untrained, Builder.allowUntrained(true))";
    }
}
