package dev.lockstep.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads the records of one TFRecord file from a byte offset, checking both CRCs. With skipCorrupt a bad
 * data CRC skips that record (its length was verified, so the next record's offset is known); a bad length
 * CRC resynchronises at the next offset where a whole record's CRCs check out ({@link TfRecordResync}),
 * and a truncation skips the rest of the file. Each skip is counted once with the byte range it lost.
 */
final class TfRecordReader implements AutoCloseable {
    private final Path file;
    private final long size;
    private final boolean skipCorrupt;
    private final Counters counters;
    private InputStream in;
    private long offset;
    private TfRecord last;

    TfRecordReader(Path file, long offset, boolean skipCorrupt, Counters counters) {
        this.file = file;
        this.offset = offset;
        this.skipCorrupt = skipCorrupt;
        this.counters = counters;
        try {
            this.size = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open TFRecord file " + file + " at byte offset " + offset, e);
        }
        this.in = openAt(offset);
    }

    private InputStream openAt(long at) {
        try {
            InputStream s = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
            s.skipNBytes(at);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open TFRecord file " + file + " at byte offset " + at, e);
        }
    }

    /** Offset of the next record (the file size once the file is done). */
    long offset() {
        return offset;
    }

    /** The next good record, or null at the end of the file. */
    TfRecord next() {
        while (offset < size) {
            long start = offset;
            String problem = readOne();
            if (problem == null) {
                return last;
            }
            if (!skipCorrupt) {
                throw new CorruptRecordException(file, start, problem);
            }
            // readOne left offset where reading resumes: the next record, a resync point or the end
            counters.skippedCorrupt(file + " at byte offset " + start + ": " + problem + "; skipped bytes " + start
                    + " to " + offset + " (" + (offset - start) + " bytes" + (offset == size ? ", the rest of the file" : "")
                    + ")", offset - start);
        }
        return null;
    }

    /** Reads the record at {@link #offset}; returns null when good (in {@link #last}) or the problem. */
    private String readOne() {
        long start = offset;
        try {
            byte[] header = in.readNBytes(12);
            if (header.length < 12) {
                offset = size;
                return "truncated record header: " + header.length + " of 12 bytes before end of file";
            }
            ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
            long length = h.getLong(0);
            int stored = h.getInt(8);
            int computed = TfRecordWriter.maskedCrc(header, 0, 8);
            if (stored != computed) {
                String problem = String.format("length CRC32C mismatch (stored %08x, computed %08x)", stored, computed);
                return skipCorrupt ? problem + resync(start) : problem;
            }
            if (length > Integer.MAX_VALUE - 16 && length <= size - start - 16) {
                throw new IllegalStateException("TFRecord in " + file + " at byte offset " + start + " has "
                        + length + " data bytes, more than one Java array holds; split the records");
            }
            if (length < 0 || length > size - start - 16) {
                offset = size;
                return "truncated record: length field says " + length + " data bytes but only "
                        + Math.max(0, size - start - 16) + " remain for data and CRC";
            }
            byte[] data = in.readNBytes((int) length);
            byte[] footer = in.readNBytes(4);
            offset = start + 16 + length;
            if (data.length < length || footer.length < 4) {
                offset = size;
                return "truncated record: file ended inside the data";
            }
            int storedData = ByteBuffer.wrap(footer).order(ByteOrder.LITTLE_ENDIAN).getInt();
            int computedData = TfRecordWriter.maskedCrc(data, 0, data.length);
            if (storedData != computedData) {
                return String.format("data CRC32C mismatch (stored %08x, computed %08x) for %d data bytes",
                        storedData, computedData, length);
            }
            last = new TfRecord(file, start, data);
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read TFRecord file " + file + " at byte offset " + start, e);
        }
    }

    /** Moves to the next good record after a bad length field at {@code start}; says where it went. */
    private String resync(long start) throws IOException {
        long next;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            next = TfRecordResync.find(ch, start + 1, size);
        }
        in.close();
        if (next < 0) {
            offset = size;
            in = openAt(size);
            return size - start - 1 > TfRecordResync.WINDOW
                    ? "; no record with good CRCs within " + TfRecordResync.WINDOW + " bytes after it"
                    : "; no record with good CRCs after it";
        }
        offset = next;
        in = openAt(next);
        return "; resynchronised at the next record with good CRCs, at byte offset " + next;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close TFRecord file " + file, e);
        }
    }
}
