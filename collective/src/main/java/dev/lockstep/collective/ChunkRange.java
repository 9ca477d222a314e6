package dev.lockstep.collective;

/** Elements {@code [start, end)} of a bucket. */
public record ChunkRange(long start, long end) {
    public ChunkRange {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("bad chunk range [" + start + ", " + end + ")");
        }
    }

    public long length() {
        return end - start;
    }

    public boolean isEmpty() {
        return start == end;
    }

    @Override
    public String toString() {
        return "[" + start + ", " + end + ")";
    }
}
