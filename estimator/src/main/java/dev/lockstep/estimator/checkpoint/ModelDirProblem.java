package dev.lockstep.estimator.checkpoint;

import java.nio.file.Path;

/**
 * A problem with the model directory the user pointed at, which the user fixes (a typo in the path, a
 * directory that is not writable or held by another writer, a spec that no longer matches the checkpoint),
 * as opposed to a fault of the program. Implemented by exceptions; the CLI exits with its usage code (2).
 */
public interface ModelDirProblem {
    /** The model directory in question. */
    Path modelDir();
}
