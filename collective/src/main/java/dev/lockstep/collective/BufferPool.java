package dev.lockstep.collective;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Receive buffers by exact capacity. Every step of a bucket's schedule receives parts of the same sizes,
 * so after the first step nothing new is allocated for payloads (and large parts are not G1 humongous
 * allocations each time). Holds at most {@code maxBytes}; beyond that, released buffers go to the GC.
 */
final class BufferPool {
    private final long maxBytes;
    private final ConcurrentHashMap<Integer, Queue<ByteBuffer>> free = new ConcurrentHashMap<>();
    private final AtomicLong pooled = new AtomicLong();

    BufferPool(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    ByteBuffer take(int capacity) {
        Queue<ByteBuffer> queue = free.get(capacity);
        ByteBuffer b = queue == null ? null : queue.poll();
        if (b == null) {
            return ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
        }
        pooled.addAndGet(-capacity);
        return b.clear().order(ByteOrder.LITTLE_ENDIAN);
    }

    void give(ByteBuffer b) {
        if (b.isReadOnly() || !b.hasArray() || b.capacity() == 0) {
            return;
        }
        if (pooled.addAndGet(b.capacity()) > maxBytes) {
            pooled.addAndGet(-b.capacity());
            return;
        }
        free.computeIfAbsent(b.capacity(), c -> new ConcurrentLinkedQueue<>()).offer(b);
    }

    long pooledBytes() {
        return pooled.get();
    }
}
