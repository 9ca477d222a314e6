package dev.lockstep.estimator.checkpoint;

import java.nio.file.Path;
import java.util.List;

/**
 * A checkpoint's tensors do not match the model built from the spec (a layer renamed, resized or added):
 * loading it would leave the unmatched variables at their random initial values. Lists every problem.
 */
public final class CheckpointMismatchException extends IllegalArgumentException implements ModelDirProblem {
    private static final long serialVersionUID = 1L;
    private final transient Path modelDir;
    private final List<String> problems;

    /** {@code modelDir} may be null when the checkpoint was not read from a directory. */
    public CheckpointMismatchException(Path modelDir, String message, List<String> problems) {
        super(message);
        this.modelDir = modelDir;
        this.problems = List.copyOf(problems);
    }

    @Override
    public Path modelDir() {
        return modelDir;
    }

    /** One entry per missing, unexpected or mistyped path. */
    public List<String> problems() {
        return problems;
    }
}
