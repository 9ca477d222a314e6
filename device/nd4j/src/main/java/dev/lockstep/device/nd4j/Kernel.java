package dev.lockstep.device.nd4j;

import java.lang.foreign.MemorySegment;

/**
 * One node's computation, resolved at compile time for its exact operand and result types. Reads
 * {@code in} (the operands' bytes), writes all of {@code out}; never writes an operand. Kernels may
 * hold scratch state, so an executable runs one step at a time.
 */
@FunctionalInterface
interface Kernel {
    void run(MemorySegment[] in, MemorySegment out);
}
