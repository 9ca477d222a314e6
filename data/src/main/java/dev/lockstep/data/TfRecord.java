package dev.lockstep.data;

import java.nio.file.Path;

/**
 * One TFRecord payload and where it came from, so a parse error downstream can still name file and offset.
 *
 * @param offset byte offset of the record's length field in {@code file}
 */
public record TfRecord(Path file, long offset, byte[] data) {
    /** "file at byte offset N", for error messages. */
    public String location() {
        return file + " at byte offset " + offset;
    }
}
