package dev.lockstep.device.pjrt;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every native allocation the binding makes goes through here, so tests can measure it: a training loop in
 * steady state must allocate no new native memory (argument structs, staging and event scratch are reused).
 */
final class NativeMemory {
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong allocations = new AtomicLong();

    MemorySegment allocate(Arena arena, long size, long alignment) {
        bytes.addAndGet(size);
        allocations.incrementAndGet();
        return arena.allocate(size, alignment);
    }

    /** Bytes allocated so far (never decreases: freed memory is not subtracted). */
    long bytesAllocated() {
        return bytes.get();
    }

    long allocations() {
        return allocations.get();
    }
}
