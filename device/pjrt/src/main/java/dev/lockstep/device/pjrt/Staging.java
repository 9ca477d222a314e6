package dev.lockstep.device.pjrt;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Host memory that transfers copy through, grown to the largest transfer seen and then reused: once every
 * tensor of a training step has passed through it once, transfers allocate nothing. A smaller segment is freed
 * when a larger one replaces it. Used under the device's lock, one transfer at a time.
 */
final class Staging implements AutoCloseable {
    private final NativeMemory memory;
    private Arena arena;
    private MemorySegment segment = MemorySegment.NULL;

    Staging(NativeMemory memory) {
        this.memory = memory;
    }

    /** At least {@code bytes} bytes, 64-byte aligned; valid until the next call. */
    MemorySegment get(long bytes) {
        if (segment.byteSize() < bytes || arena == null) {
            close();
            arena = Arena.ofShared();
            segment = memory.allocate(arena, Math.max(64, bytes), 64);
        }
        return segment.asSlice(0, bytes);
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
            arena = null;
            segment = MemorySegment.NULL;
        }
    }
}
