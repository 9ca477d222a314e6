package dev.lockstep.estimator.checkpoint;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Proves a model directory writable before training starts: creates it, then creates and deletes a
 * file in it, the same operations a save needs. Otherwise a read-only or mistyped directory (or a
 * regular file in its place) would surface only at the first checkpoint, after up to 1,000 steps.
 */
final class WritableDir {
    private WritableDir() {}

    static void require(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new ModelDirNotWritableException(dir, "it is a regular file, not a directory", null);
        }
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            throw new ModelDirNotWritableException(dir, "cannot create it: " + e.getFile()
                    + " exists and is not a directory", e);
        } catch (IOException e) {
            throw new ModelDirNotWritableException(dir, "cannot create it: " + describe(e), e);
        }
        Path probe;
        try {
            probe = Files.createTempFile(dir, ".lockstep-write-probe-", ".tmp");
        } catch (IOException e) {
            throw new ModelDirNotWritableException(dir, "cannot create a file in it: " + describe(e), e);
        }
        try {
            Files.delete(probe);
        } catch (IOException e) {
            throw new ModelDirNotWritableException(dir, "cannot delete the file " + probe + " created in it: "
                    + describe(e), e);
        }
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
    }
}
