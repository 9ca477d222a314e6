package dev.lockstep.estimator.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.security.MessageDigest;

/**
 * Little-endian staging buffer in front of a channel: tensors of any size are written through a fixed
 * 64 KiB buffer, and every byte that reaches the channel also feeds the (optional) digest, so a
 * checkpoint's sha256 costs no second pass over the file.
 */
final class ChunkSink {
    private final WritableByteChannel channel;
    private final MessageDigest digest;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private long written;

    ChunkSink(WritableByteChannel channel, MessageDigest digest) {
        this.channel = channel;
        this.digest = digest;
    }

    /** Makes room for at least {@code bytes} and returns the buffer to put them in. */
    ByteBuffer room(int bytes) throws IOException {
        if (buf.remaining() < bytes) {
            flush();
        }
        return buf;
    }

    void put(byte[] bytes) throws IOException {
        int i = 0;
        while (i < bytes.length) {
            int n = Math.min(bytes.length - i, room(1).remaining());
            buf.put(bytes, i, n);
            i += n;
        }
    }

    void flush() throws IOException {
        buf.flip();
        if (digest != null) {
            digest.update(buf.duplicate());
        }
        while (buf.hasRemaining()) {
            written += channel.write(buf);
        }
        buf.clear();
    }

    /** Bytes that have reached the channel (call {@link #flush} first for the total). */
    long written() {
        return written;
    }
}
