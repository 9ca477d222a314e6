package dev.lockstep.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class BufferPoolTest {
    @Test
    void reusesReleasedBuffersOfTheSameCapacityOnly() {
        BufferPool pool = new BufferPool(1000);
        ByteBuffer a = pool.take(100);
        a.position(40).order(ByteOrder.BIG_ENDIAN);
        pool.give(a);
        assertEquals(100, pool.pooledBytes());
        assertNotSame(a, pool.take(50));
        ByteBuffer again = pool.take(100);
        assertSame(a, again);
        assertEquals(0, again.position());
        assertEquals(100, again.limit());
        assertEquals(ByteOrder.LITTLE_ENDIAN, again.order());
        assertEquals(0, pool.pooledBytes());
        assertNotSame(a, pool.take(100), "a taken buffer is not handed out twice");
    }

    @Test
    void keepsNoMoreThanItsBound() {
        BufferPool pool = new BufferPool(250);
        pool.give(ByteBuffer.allocate(100));
        pool.give(ByteBuffer.allocate(100));
        pool.give(ByteBuffer.allocate(100));
        assertEquals(200, pool.pooledBytes());
        pool.give(ByteBuffer.allocateDirect(10));
        pool.give(ByteBuffer.allocate(10).asReadOnlyBuffer());
        assertEquals(200, pool.pooledBytes());
    }
}
