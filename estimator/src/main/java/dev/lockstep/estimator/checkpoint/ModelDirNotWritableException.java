package dev.lockstep.estimator.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/** The model directory cannot be created or written; found before the first step, not at the first save. */
public final class ModelDirNotWritableException extends IllegalStateException implements ModelDirProblem {
    private static final long serialVersionUID = 1L;
    private final transient Path modelDir;

    public ModelDirNotWritableException(Path modelDir, String why, IOException cause) {
        super("the model directory " + modelDir + " is not writable: " + why + "; checkpoints could not be saved. "
                + "Choose another directory (--model-dir) or fix its permissions", cause);
        this.modelDir = modelDir;
    }

    @Override
    public Path modelDir() {
        return modelDir;
    }
}
