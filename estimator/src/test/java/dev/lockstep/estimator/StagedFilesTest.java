package dev.lockstep.estimator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Output files are all-or-nothing: a failure while writing leaves the previous files and no .tmp, and names the file. */
class StagedFilesTest {
    /** Writes {@code bytes} bytes, then fails as a full disk does. */
    static StagedFiles.Content diskFullAfter(int bytes) {
        return tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                out.write(new byte[bytes]);
                throw new IOException("No space left on device");
            }
        };
    }

    static long temporaryFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).count();
        }
    }

    @Test
    void aDiskFullWhileWritingLeavesThePreviousFilesAndNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path first = dir.resolve("weights.safetensors"), second = dir.resolve("signature.json");
        Files.writeString(first, "previous weights");
        Files.writeString(second, "previous signature");
        IOException e = assertThrows(IOException.class, () -> {
            try (StagedFiles files = new StagedFiles()) {
                files.write(first, tmp -> Files.writeString(tmp, "new weights"));
                files.write(second, diskFullAfter(4096));
                files.commit();
            }
        });
        assertTrue(e.getMessage().contains(second.toString()) && e.getMessage().contains("No space left on device"),
                e.getMessage());
        assertEquals("previous weights", Files.readString(first), "nothing is renamed before every file is written");
        assertEquals("previous signature", Files.readString(second));
        assertEquals(0, temporaryFiles(dir));
    }

    @Test
    void aDirectoryWhereTheFileGoesIsNamedAndLeavesNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("pred.csv");
        Files.createDirectories(target.resolve("occupied"));
        IOException e = assertThrows(IOException.class, () -> {
            try (StagedFiles files = new StagedFiles()) {
                files.write(target, tmp -> Files.writeString(tmp, "a,b\n"));
                files.commit();
            }
        });
        assertTrue(e.getMessage().startsWith("cannot write " + target + ": "), e.getMessage());
        assertTrue(Files.isDirectory(target.resolve("occupied")));
        assertEquals(0, temporaryFiles(dir));
    }

    @Test
    void aCommitReplacesThePreviousFilesAndALeftoverTemporaryFile(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("model.stablehlo.mlir");
        Files.writeString(target, "old");
        Files.writeString(StagedFiles.temporary(target), "left by a killed run, longer than the new content");
        try (StagedFiles files = new StagedFiles()) {
            files.write(target, tmp -> Files.writeString(tmp, "new"));
            assertEquals("old", Files.readString(target), "not visible before commit");
            files.commit();
        }
        assertEquals("new", Files.readString(target));
        assertFalse(Files.exists(StagedFiles.temporary(target)));
    }
}
