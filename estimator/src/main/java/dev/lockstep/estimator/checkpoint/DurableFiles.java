package dev.lockstep.estimator.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** fsync and atomic-rename plumbing for invariant 7: nothing is visible under its final name before it is durable. */
final class DurableFiles {
    private DurableFiles() {
    }

    /** Creates {@code file} (which must not exist), writes {@code bytes} and forces them to disk. */
    static void writeNew(Path file, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
    }

    /**
     * Forces a directory's entries (a rename, a new file) to disk. POSIX needs this for a rename to
     * survive a power cut; some platforms (Windows) cannot open a directory, and there the rename's
     * durability rests on the file system, which is all we can do.
     */
    static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            System.getLogger(DurableFiles.class.getName()).log(System.Logger.Level.DEBUG,
                    "cannot fsync directory " + dir + " on this platform: " + e);
        }
    }

    /** Deletes a tree without following links; the manifest goes first so a half-deleted checkpoint is invalid. */
    static void deleteTree(Path dir, String firstFile) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.deleteIfExists(dir.resolve(firstFile));
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
                for (Path p : s) {
                    deleteTree(p, firstFile);
                }
            }
        }
        try {
            Files.delete(dir);
        } catch (NoSuchFileException e) {
            // Already gone: deleting is idempotent.
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    /** The sha256 of a file, streamed. */
    static String sha256(Path file) throws IOException {
        MessageDigest d = sha256();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(1 << 16);
            while (ch.read(b) >= 0) {
                b.flip();
                d.update(b);
                b.clear();
            }
        }
        return Manifest.DataFile.hex(d.digest());
    }
}
