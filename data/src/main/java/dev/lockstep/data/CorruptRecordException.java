package dev.lockstep.data;

import java.nio.file.Path;

/** A TFRecord whose framing is broken (CRC mismatch, truncation); names the file and byte offset. */
public final class CorruptRecordException extends RuntimeException {
    private final Path file;
    private final long offset;

    CorruptRecordException(Path file, long offset, String reason) {
        super("corrupt TFRecord in " + file + " at byte offset " + offset + ": " + reason
                + " (re-create the file, or open it with skipCorrupt to skip and count corrupt records)");
        this.file = file;
        this.offset = offset;
    }

    public Path file() {
        return file;
    }

    /** Offset of the start of the bad record. */
    public long offset() {
        return offset;
    }
}
