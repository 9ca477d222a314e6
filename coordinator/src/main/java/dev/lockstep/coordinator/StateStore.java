package dev.lockstep.coordinator;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.lockstep.proto.v1.CoordinatorState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * The coordinator's state directory: one file, {@value #FILE}, holding every job (invariant 7). A save
 * writes {@code FILE.tmp}, fsyncs it, keeps the current file as {@code FILE.prev} (a hard link, so the
 * good copy never disappears), renames the temporary file over the current one and fsyncs the directory.
 * The file is a header (magic, format version, payload length, CRC-32) and a {@link CoordinatorState}, so
 * a truncated or damaged file is detected rather than half-read.
 */
final class StateStore {
    static final String FILE = "coordinator-state.bin";
    private static final byte[] MAGIC = {'L', 'S', 'C', 'S'};
    private static final int FORMAT = 1;
    private static final int HEADER = MAGIC.length + 4 + 4 + 8;

    /** The state file cannot be read as a coordinator state; the message names the file and what is wrong. */
    static final class CorruptStateException extends RuntimeException {
        CorruptStateException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Path dir;
    private final Path file;

    StateStore(Path dir) {
        this.dir = dir.toAbsolutePath();
        this.file = this.dir.resolve(FILE);
    }

    Path file() {
        return file;
    }

    /** The stored state, or an empty one when the directory holds none yet. */
    CoordinatorState load() {
        try {
            Files.createDirectories(dir);
            if (!Files.exists(file)) {
                return CoordinatorState.newBuilder().setNextJobNumber(1).build();
            }
            return decode(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read coordinator state " + file + ": " + e.getMessage(), e);
        }
    }

    void save(CoordinatorState state) {
        byte[] payload = state.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(payload);
        ByteBuffer out = ByteBuffer.allocate(HEADER + payload.length).put(MAGIC).putInt(FORMAT)
                .putInt(payload.length).putLong(crc.getValue()).put(payload).flip();
        Path tmp = dir.resolve(FILE + ".tmp");
        Path prev = dir.resolve(FILE + ".prev");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                while (out.hasRemaining()) {
                    ch.write(out);
                }
                ch.force(true);
            }
            if (Files.exists(file)) {
                Files.deleteIfExists(prev);
                Files.createLink(prev, file);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write coordinator state " + file + ": " + e.getMessage(), e);
        }
    }

    private CoordinatorState decode(byte[] bytes) {
        if (bytes.length < HEADER) {
            throw corrupt("it has " + bytes.length + " bytes, fewer than the " + HEADER + "-byte header (truncated?)", null);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        byte[] magic = new byte[MAGIC.length];
        in.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw corrupt("it does not start with the coordinator state magic LSCS", null);
        }
        int format = in.getInt();
        if (format != FORMAT) {
            throw corrupt("format version " + format + ", this coordinator reads version " + FORMAT, null);
        }
        int length = in.getInt();
        long expectedCrc = in.getLong();
        if (length != bytes.length - HEADER) {
            throw corrupt("the header promises " + length + " payload bytes but " + (bytes.length - HEADER)
                    + " follow (truncated?)", null);
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, HEADER, length);
        if (crc.getValue() != expectedCrc) {
            throw corrupt("the payload's CRC-32 does not match the header", null);
        }
        try {
            return CoordinatorState.parseFrom(ByteBuffer.wrap(bytes, HEADER, length));
        } catch (InvalidProtocolBufferException e) {
            throw corrupt("the payload is not a lockstep.v1.CoordinatorState: " + e.getMessage(), e);
        }
    }

    private CorruptStateException corrupt(String what, Throwable cause) {
        Path prev = dir.resolve(FILE + ".prev");
        String hint = Files.exists(prev) ? "; the previous good copy is " + prev + " (move it over the damaged file to restore it)"
                : "";
        return new CorruptStateException("coordinator state file " + file + " is corrupt: " + what + hint, cause);
    }
}
