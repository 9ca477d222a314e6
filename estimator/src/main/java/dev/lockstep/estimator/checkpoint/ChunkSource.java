package dev.lockstep.estimator.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** Sequential little-endian reads from a file region through a fixed buffer, naming the file if it ends early. */
final class ChunkSource {
    private final FileChannel channel;
    private final Path file;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private long position;

    ChunkSource(FileChannel channel, Path file, long position) {
        this.channel = channel;
        this.file = file;
        this.position = position;
        buf.limit(0);
    }

    /** Returns the buffer holding at least {@code bytes} unread bytes (bytes must be at most 64 KiB). */
    ByteBuffer next(int bytes) throws IOException {
        if (buf.remaining() >= bytes) {
            return buf;
        }
        buf.compact();
        while (buf.position() < bytes) {
            int n = channel.read(buf, position);
            if (n < 0) {
                throw new CorruptCheckpointException(file, "file ended at byte " + position
                        + " while reading tensor data (truncated while being read?)");
            }
            position += n;
        }
        buf.flip();
        return buf;
    }
}
