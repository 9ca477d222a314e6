package dev.lockstep.device.nd4j;

import dev.lockstep.device.Replicas;
import dev.lockstep.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The {@code all_reduce} kernel: copies the operand into a little-endian host buffer (allocated once),
 * has {@link Replicas} sum it over every replica, and copies the sums into the result. While the
 * executable warms up it only copies: warming runs kernels on zeros, alone, before the replicas have
 * met, and must not talk to them.
 */
final class CrossReplicaSum implements Kernel {
    private final Replicas replicas;
    private final int op;
    private final DType dtype;
    private final ByteBuffer host;
    private final MemorySegment staging;
    private boolean rehearsing;

    CrossReplicaSum(Replicas replicas, int op, DType dtype, long elements) {
        if (dtype == DType.BF16 || dtype == DType.F16) {
            throw new IllegalArgumentException("all_reduce of " + dtype + " is not supported on this device; "
                    + "convert to f32 first");
        }
        this.replicas = replicas;
        this.op = op;
        this.dtype = dtype;
        this.host = ByteBuffer.allocateDirect(Math.toIntExact(elements * dtype.byteSize()))
                .order(ByteOrder.LITTLE_ENDIAN);
        this.staging = MemorySegment.ofBuffer(host);
    }

    void rehearse(boolean on) {
        rehearsing = on;
    }

    @Override
    public void run(MemorySegment[] in, MemorySegment out) {
        if (rehearsing || replicas.count() == 1) {
            MemorySegment.copy(in[0], 0, out, 0, out.byteSize());
            return;
        }
        // Native memory is little-endian on the platforms this device runs on (x86-64, aarch64).
        MemorySegment.copy(in[0], 0, staging, 0, staging.byteSize());
        replicas.sum(op, dtype, host.clear());
        MemorySegment.copy(staging, 0, out, 0, out.byteSize());
    }
}
