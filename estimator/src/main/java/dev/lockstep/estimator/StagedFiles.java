package dev.lockstep.estimator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Output files (an export, predictions) written under temporary names next to their targets, forced to
 * disk, and renamed into place only when every one is written (invariant 7). A failure while writing (a
 * full disk, a directory where the file should go) leaves the previous files as they were, deletes the
 * temporary files, and names the target file. Use in try-with-resources; {@link #commit} publishes.
 */
public final class StagedFiles implements AutoCloseable {
    /** Writes the whole content of a target into the temporary file it is given. */
    @FunctionalInterface
    public interface Content {
        void writeTo(Path temporary) throws IOException;
    }

    private final Map<Path, Path> staged = new LinkedHashMap<>();

    /** The temporary name of {@code target}: a sibling, so the rename stays on one file system. */
    public static Path temporary(Path target) {
        return target.resolveSibling(target.getFileName() + ".tmp");
    }

    /** Writes {@code target}'s content to its temporary file and forces it to disk; nothing is visible yet. */
    public void write(Path target, Content content) throws IOException {
        Path tmp = temporary(target);
        staged.put(target, tmp); // before writing, so close() also deletes a half-written file
        try {
            Files.deleteIfExists(tmp); // left by a process that was killed while writing
            content.writeTo(tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
        } catch (IOException e) {
            throw failure(target, e);
        } catch (UncheckedIOException e) {
            throw failure(target, e.getCause());
        }
    }

    /** Renames every written file into place (replacing the previous one), then forces the directories. */
    public void commit() throws IOException {
        Set<Path> directories = new LinkedHashSet<>();
        for (Map.Entry<Path, Path> e : staged.entrySet()) {
            try {
                Files.move(e.getValue(), e.getKey(), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException x) {
                throw failure(e.getKey(), x);
            }
            directories.add(e.getKey().toAbsolutePath().getParent());
        }
        directories.forEach(StagedFiles::fsyncDirectory);
    }

    /** Deletes every temporary file still there: all of them unless {@link #commit} succeeded. */
    @Override
    public void close() throws IOException {
        IOException first = null;
        for (Path tmp : staged.values()) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                if (first == null) {
                    first = new IOException("cannot delete the temporary file " + tmp + ": " + e.getMessage(), e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static IOException failure(Path target, IOException cause) {
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new IOException("cannot write " + target + ": " + reason + " (" + cause.getClass().getSimpleName()
                + "); any previous " + target.getFileName() + " is unchanged", cause);
    }

    /** As checkpoints do: a rename survives a power cut only once its directory is forced (not possible everywhere). */
    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            System.getLogger(StagedFiles.class.getName()).log(System.Logger.Level.DEBUG,
                    "cannot fsync directory " + dir + " on this platform: " + e);
        }
    }
}
