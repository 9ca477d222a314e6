package dev.lockstep.data;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Writes TFRecord files: per record, uint64 length, masked CRC32C of the length, the data, masked CRC32C
 * of the data (all little-endian), exactly as TensorFlow's {@code TFRecordWriter} without compression.
 */
public final class TfRecordWriter implements AutoCloseable {
    private static final int MASK_DELTA = 0xa282ead8;

    private final Path file;
    private final OutputStream out;
    private long offset;

    public TfRecordWriter(Path file) {
        this.file = file;
        try {
            this.out = new BufferedOutputStream(Files.newOutputStream(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create TFRecord file " + file, e);
        }
    }

    /** Writes a whole file of records. */
    public static void write(Path file, Iterable<byte[]> records) {
        try (TfRecordWriter w = new TfRecordWriter(file)) {
            for (byte[] r : records) {
                w.write(r);
            }
        }
    }

    /** Appends one record; returns its byte offset. */
    public long write(byte[] data) {
        ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(data.length).putInt(maskedCrc(header.array(), 0, 8));
        ByteBuffer footer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(maskedCrc(data, 0, data.length));
        long at = offset;
        try {
            out.write(header.array());
            out.write(data);
            out.write(footer.array());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write TFRecord file " + file + " at byte offset " + at, e);
        }
        offset += 16 + data.length;
        return at;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close TFRecord file " + file, e);
        }
    }

    /** TensorFlow's masked CRC32C: rotating and offsetting keeps CRCs of CRC-bearing data well spread. */
    static int maskedCrc(byte[] b, int off, int len) {
        CRC32C crc = new CRC32C();
        crc.update(b, off, len);
        return mask(crc);
    }

    static int mask(CRC32C crc) {
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + MASK_DELTA;
    }
}
