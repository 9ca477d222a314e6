package dev.lockstep.estimator.checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A checkpoint file that exists but cannot be trusted: truncated, malformed, or not matching its
 * manifest. The message names the file and the field or tensor at fault.
 */
public final class CorruptCheckpointException extends IOException {
    private final transient Path file;

    public CorruptCheckpointException(Path file, String problem) {
        super(Objects.requireNonNull(file, "file") + ": " + problem);
        this.file = file;
    }

    public CorruptCheckpointException(Path file, String problem, Throwable cause) {
        super(Objects.requireNonNull(file, "file") + ": " + problem, cause);
        this.file = file;
    }

    /** The file that is corrupt. */
    public Path file() {
        return file;
    }
}
