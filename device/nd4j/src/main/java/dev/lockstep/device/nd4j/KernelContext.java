package dev.lockstep.device.nd4j;

import dev.lockstep.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * What kernel factories may use at compile time: the device, owned scratch memory, and the replicas
 * the program's all-reduces sum over ({@code collectives} collects their kernels in graph order).
 */
record KernelContext(Nd4jDevice device, List<NativeMemory.Block> owned, dev.lockstep.device.Replicas replicas,
                     List<CrossReplicaSum> collectives) {
    /** A native block of {@code elements} of {@code dtype} owned by the executable being compiled. */
    MemorySegment scratch(DType dtype, long elements) {
        NativeMemory.Block b = device.memory().allocate(dtype, elements);
        owned.add(b);
        return b.segment().asSlice(0, Math.max(0, elements) * dtype.byteSize());
    }

    /** The kernel of the program's next all_reduce (numbered in graph order, as every replica numbers it). */
    CrossReplicaSum crossReplicaSum(dev.lockstep.tensor.TensorType type) {
        CrossReplicaSum k = new CrossReplicaSum(replicas, collectives.size(), type.dtype(), type.shape().size());
        collectives.add(k);
        return k;
    }
}
