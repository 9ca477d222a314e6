package dev.lockstep.estimator.checkpoint;

import dev.lockstep.tensor.HostTensor;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The on-disk layout of one checkpoint directory: {@code model.safetensors} (every tensor by path) and
 * {@code manifest.json} (written last; it lists the data file with its size and sha256). Reading
 * verifies sizes and hashes before parsing, so truncation and bit flips are reported as such.
 */
final class CheckpointFiles {
    static final String DATA_FILE = "model.safetensors";
    static final String MANIFEST_FILE = "manifest.json";

    private CheckpointFiles() {
    }

    /** Writes both files into the (new, empty) directory {@code dir} and fsyncs them and it. */
    static Manifest write(Path dir, Checkpoint c) throws IOException {
        Path data = dir.resolve(DATA_FILE);
        MessageDigest sha = DurableFiles.sha256();
        long bytes;
        try (FileChannel ch = FileChannel.open(data, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            // "format": "pt" lets Hugging Face loaders accept the file as PyTorch weights.
            bytes = SafeTensors.write(ch, c.tensors(), Map.of("format", "pt",
                    "lockstep_step", Long.toString(c.manifest().step())), sha);
            ch.force(true);
        }
        Manifest m = c.manifest().withFiles(List.of(new Manifest.DataFile(DATA_FILE, bytes,
                Manifest.DataFile.hex(sha.digest()))));
        DurableFiles.writeNew(dir.resolve(MANIFEST_FILE), m.toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        DurableFiles.fsyncDirectory(dir);
        return m;
    }

    /** Reads and fully verifies the checkpoint in {@code dir}, which should hold {@code expectedStep}. */
    static Checkpoint read(Path dir, long expectedStep) throws IOException {
        Manifest m = verify(dir, expectedStep);
        Map<String, HostTensor> tensors = new TreeMap<>();
        for (Manifest.DataFile f : m.files()) {
            if (f.name().endsWith(".safetensors")) {
                Path file = dir.resolve(f.name());
                for (Map.Entry<String, HostTensor> e : SafeTensors.read(file).tensors().entrySet()) {
                    if (tensors.put(e.getKey(), e.getValue()) != null) {
                        throw new CorruptCheckpointException(file, "tensor '" + e.getKey()
                                + "' also appears in another data file of this checkpoint");
                    }
                }
            }
        }
        return Checkpoint.of(m, tensors);
    }

    /** Checks the manifest and every data file's size and sha256; returns the manifest. */
    static Manifest verify(Path dir, long expectedStep) throws IOException {
        Path manifestFile = dir.resolve(MANIFEST_FILE);
        Manifest m;
        try {
            m = Manifest.read(manifestFile);
        } catch (NoSuchFileException e) {
            throw new CorruptCheckpointException(manifestFile, "missing; the checkpoint was never completely "
                    + "written (the manifest is written last)", e);
        }
        if (m.step() != expectedStep) {
            throw new CorruptCheckpointException(manifestFile, "records step " + m.step() + " but sits in "
                    + dir.getFileName() + " (expected step " + expectedStep + ")");
        }
        if (m.files().stream().noneMatch(f -> f.name().endsWith(".safetensors"))) {
            throw new CorruptCheckpointException(manifestFile, "lists no .safetensors data file: " + m.files());
        }
        for (Manifest.DataFile f : m.files()) {
            Path file = dir.resolve(f.name());
            if (!Files.isRegularFile(file)) {
                throw new CorruptCheckpointException(file, "is listed in " + MANIFEST_FILE + " but missing");
            }
            long size = Files.size(file);
            if (size != f.bytes()) {
                throw new CorruptCheckpointException(file, "is " + size + " bytes but " + MANIFEST_FILE
                        + " records " + f.bytes() + (size < f.bytes() ? " (truncated)" : ""));
            }
            String sha = DurableFiles.sha256(file);
            if (!sha.equals(f.sha256())) {
                throw new CorruptCheckpointException(file, "sha256 " + sha + " does not match " + MANIFEST_FILE
                        + " (" + f.sha256() + "); the file was corrupted after it was written");
            }
        }
        return m;
    }
}
