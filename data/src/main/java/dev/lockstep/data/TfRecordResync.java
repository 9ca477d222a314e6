package dev.lockstep.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Finds where framing resumes after a record whose length field is corrupt: the first offset at which a
 * whole record starts whose length CRC and data CRC both check out (a false match needs two 32-bit CRCs
 * to agree by chance). The scan is bounded to {@link #WINDOW} bytes so a damaged multi-gigabyte file
 * costs at most that much extra reading; past it the rest of the file is skipped, and reported so.
 */
final class TfRecordResync {
    /** How far past a bad length field to look for the next record. */
    static final long WINDOW = 64L << 20;
    private static final int CHUNK = 1 << 20;

    private TfRecordResync() {}

    /** The offset of the next good record in [from, from + WINDOW), or -1 when there is none. */
    static long find(FileChannel ch, long from, long size) throws IOException {
        return find(ch, from, size, WINDOW);
    }

    static long find(FileChannel ch, long from, long size, long window) throws IOException {
        long lastStart = Math.min(size - 16, from + window - 1); // a record takes at least 16 bytes
        ByteBuffer buf = ByteBuffer.allocate(CHUNK + 11).order(ByteOrder.LITTLE_ENDIAN);
        byte[] a = buf.array();
        for (long base = from; base <= lastStart; base += CHUNK) {
            buf.clear().limit((int) Math.min(buf.capacity(), size - base));
            readFully(ch, buf, base);
            int n = buf.position();
            for (int i = 0; i < CHUNK && base + i <= lastStart && i + 12 <= n; i++) {
                if (TfRecordWriter.maskedCrc(a, i, 8) != buf.getInt(i + 8)) {
                    continue;
                }
                long p = base + i;
                long length = buf.getLong(i);
                if (length >= 0 && length <= size - p - 16 && dataCrcMatches(ch, p, length)) {
                    return p;
                }
            }
        }
        return -1;
    }

    private static boolean dataCrcMatches(FileChannel ch, long start, long length) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, length + 4)).order(ByteOrder.LITTLE_ENDIAN);
        for (long done = 0; done < length; ) {
            buf.clear().limit((int) Math.min(buf.capacity(), length - done));
            readFully(ch, buf, start + 12 + done);
            crc.update(buf.array(), 0, buf.position());
            done += buf.position();
        }
        buf.clear().limit(4);
        readFully(ch, buf, start + 12 + length);
        return TfRecordWriter.mask(crc) == buf.getInt(0);
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long at) throws IOException {
        long pos = at;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                break;
            }
            pos += r;
        }
    }
}
