package dev.lockstep.device.nd4j;

import dev.lockstep.device.Buffer;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** A device buffer: ND4J-owned native memory holding one dense row-major tensor. */
final class NdBuffer implements Buffer {
    private final Nd4jDevice device;
    private final TensorType type;
    private final NativeMemory.Block block;
    private boolean closed;

    NdBuffer(Nd4jDevice device, TensorType type, NativeMemory.Block block) {
        this.device = device;
        this.type = type;
        this.block = block;
    }

    @Override
    public TensorType type() {
        return type;
    }

    Nd4jDevice device() {
        return device;
    }

    /** The tensor's bytes (exactly its size; empty tensors keep a one-element block behind it). */
    MemorySegment segment() {
        checkOpen();
        return block.segment().asSlice(0, Mem.bytes(type.dtype(), type.shape().size()));
    }

    @Override
    public HostTensor toHost() {
        checkOpen();
        HostTensor h = HostTensor.zeros(type);
        MemorySegment s = block.segment();
        int n = h.size();
        switch (h.array()) {
            case float[] f when type.dtype() == dev.lockstep.tensor.DType.F32 ->
                    MemorySegment.copy(s, Mem.F32, 0, f, 0, n);
            case float[] f -> {
                for (int i = 0; i < n; i++) {
                    f[i] = (float) Mem.getD(type.dtype(), s, i);
                }
            }
            case double[] d -> MemorySegment.copy(s, Mem.F64, 0, d, 0, n);
            case int[] x -> MemorySegment.copy(s, Mem.I32, 0, x, 0, n);
            case long[] x -> MemorySegment.copy(s, Mem.I64, 0, x, 0, n);
            case boolean[] b -> {
                for (int i = 0; i < n; i++) {
                    b[i] = s.get(ValueLayout.JAVA_BYTE, i) != 0;
                }
            }
            default -> throw new IllegalStateException("unexpected host array " + h.array().getClass());
        }
        return h;
    }

    @Override
    public void copyFrom(HostTensor tensor) {
        checkOpen();
        if (!tensor.type().equals(type)) {
            throw new IllegalArgumentException("cannot copy host tensor of type " + tensor.type()
                    + " into a device buffer of type " + type);
        }
        MemorySegment s = block.segment();
        int n = tensor.size();
        switch (tensor.array()) {
            case float[] f when type.dtype() == dev.lockstep.tensor.DType.F32 ->
                    MemorySegment.copy(f, 0, s, Mem.F32, 0, n);
            case float[] f -> {
                for (int i = 0; i < n; i++) {
                    Mem.setD(type.dtype(), s, i, f[i]);
                }
            }
            case double[] d -> MemorySegment.copy(d, 0, s, Mem.F64, 0, n);
            case int[] x -> MemorySegment.copy(x, 0, s, Mem.I32, 0, n);
            case long[] x -> MemorySegment.copy(x, 0, s, Mem.I64, 0, n);
            case boolean[] b -> {
                for (int i = 0; i < n; i++) {
                    s.set(ValueLayout.JAVA_BYTE, i, (byte) (b[i] ? 1 : 0));
                }
            }
            default -> throw new IllegalStateException("unexpected host array " + tensor.array().getClass());
        }
    }

    /** Same-typed elements are one bulk copy from device memory into {@code dst}; others go the default way. */
    @Override
    public void copyTo(java.nio.ByteBuffer dst) {
        checkOpen();
        if (!rawCopy()) {
            Buffer.super.copyTo(dst);
            return;
        }
        long bytes = Mem.bytes(type.dtype(), type.shape().size());
        MemorySegment.copy(block.segment(), 0, MemorySegment.ofBuffer(dst), 0, bytes);
    }

    @Override
    public void copyFrom(java.nio.ByteBuffer src) {
        checkOpen();
        if (!rawCopy()) {
            Buffer.super.copyFrom(src);
            return;
        }
        long bytes = Mem.bytes(type.dtype(), type.shape().size());
        MemorySegment.copy(MemorySegment.ofBuffer(src), 0, block.segment(), 0, bytes);
    }

    /** Whether device memory already holds the host layout: f32, f64, i32, i64 on a little-endian machine. */
    private boolean rawCopy() {
        return java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN && switch (type.dtype()) {
            case F32, F64, I32, I64 -> true;
            default -> false;
        };
    }

    boolean isClosed() {
        return closed;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("buffer of type " + type + " on device " + device.name() + " is closed");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            block.free();
        }
    }

    @Override
    public String toString() {
        return "NdBuffer(" + type + (closed ? ", closed" : "") + ")";
    }
}
