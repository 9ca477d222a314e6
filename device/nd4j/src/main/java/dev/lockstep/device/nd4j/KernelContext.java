package dev.lockstep.device.nd4j;

import dev.lockstep.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.util.List;

/** What kernel factories may use at compile time: the device and owned scratch memory. */
record KernelContext(Nd4jDevice device, List<NativeMemory.Block> owned) {
    /** A native block of {@code elements} of {@code dtype} owned by the executable being compiled. */
    MemorySegment scratch(DType dtype, long elements) {
        NativeMemory.Block b = device.memory().allocate(dtype, elements);
        owned.add(b);
        return b.segment().asSlice(0, Math.max(0, elements) * dtype.byteSize());
    }
}
