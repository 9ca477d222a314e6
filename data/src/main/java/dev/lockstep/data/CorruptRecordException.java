package dev.lockstep.data;

import java.nio.file.Path;

/** A TFRecord whose framing is broken (CRC mismatch, truncation); names the file and byte offset. */
public final class CorruptRecordException extends RuntimeException {
    private final Path file;
    private final long offset;

    CorruptRecordException(Path file, long offset, String reason) {
        super("corrupt TFRecord in " + file + " at byte offset " + offset + ": " + reason
                + " (re-create the file, or skip and count corrupt records: set skip_corrupt: true under the"
                + " tfrecord data source of the job spec, or use TfRecordOptions.skipCorrupt(true) from Java)");
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
