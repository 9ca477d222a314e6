package dev.lockstep.device.nd4j;

import dev.lockstep.device.Buffer;

/**
 * Raw access to ND4J device buffers, for benchmarks and zero-copy hand-off to native libraries
 * (e.g. calling cblas on the very memory the device computes in).
 */
public final class NativeBuffers {
    private NativeBuffers() {}

    /** The host address of {@code buffer}'s first element; valid until the buffer is closed. */
    public static long address(Buffer buffer) {
        if (!(buffer instanceof NdBuffer b)) {
            throw new IllegalArgumentException("not a buffer of an ND4J device (cpu/cuda): " + buffer);
        }
        return b.segment().address();
    }
}
