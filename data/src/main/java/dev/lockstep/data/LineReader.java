package dev.lockstep.data;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** UTF-8 lines with their byte offsets (a Reader hides them), so a CSV cursor can seek. */
final class LineReader implements AutoCloseable {
    private final Path file;
    private final InputStream in;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private long offset;
    private long lineNumber;

    /** Opens {@code file} at {@code offset}, where line {@code lineNumber + 1} starts. */
    LineReader(Path file, long offset, long lineNumber) {
        this.file = file;
        this.offset = offset;
        this.lineNumber = lineNumber;
        try {
            in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
            in.skipNBytes(offset);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file + " at byte offset " + offset, e);
        }
    }

    /** The next line without its terminator ({@code \n} or {@code \r\n}), or null at the end. */
    String readLine() {
        buf.reset();
        try {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            while (b >= 0 && b != '\n') {
                buf.write(b);
                b = in.read();
            }
            offset += buf.size() + (b == '\n' ? 1 : 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " at byte offset " + offset, e);
        }
        lineNumber++;
        byte[] bytes = buf.toByteArray();
        int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    /** Byte offset just past the last line read. */
    long offset() {
        return offset;
    }

    /** One-based number of the last line read. */
    long lineNumber() {
        return lineNumber;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file, e);
        }
    }
}
