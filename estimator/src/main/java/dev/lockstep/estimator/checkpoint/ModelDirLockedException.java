package dev.lockstep.estimator.checkpoint;

import java.nio.file.Path;

/** Another writer holds the model directory's lock; names it, so the user can find and stop it. */
public final class ModelDirLockedException extends IllegalStateException implements ModelDirProblem {
    private static final long serialVersionUID = 1L;
    private final transient Path modelDir;
    private final transient ModelDirLock.Holder holder;

    ModelDirLockedException(Path modelDir, Path lockFile, ModelDirLock.Holder holder, String holderText) {
        super("the model directory " + modelDir + " is locked by another writer: " + holderText + " (lock file "
                + lockFile + "). Only one process may train into a model directory: wait for it to finish, stop it, "
                + "or use another --model-dir");
        this.modelDir = modelDir;
        this.holder = holder;
    }

    @Override
    public Path modelDir() {
        return modelDir;
    }

    /** The holder as its lock file describes it, or null when the file could not be parsed. */
    public ModelDirLock.Holder holder() {
        return holder;
    }
}
