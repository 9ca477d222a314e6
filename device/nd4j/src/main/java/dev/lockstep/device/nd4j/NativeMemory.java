package dev.lockstep.device.nd4j;

import dev.lockstep.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one place a device allocates native memory: ND4J arrays, viewed as memory segments for the
 * Java kernels and as raw pointers for BLAS. Counts bytes and allocations so tests can prove that
 * steady-state steps allocate nothing.
 */
final class NativeMemory {
    private final AtomicLong allocations = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    /** One ND4J-owned block: the array keeps the memory alive, the segment addresses it. */
    record Block(INDArray array, MemorySegment segment) {
        void free() {
            array.close();
        }
    }

    /** A block holding {@code elements} of {@code dtype} (at least one element, so it has an address). */
    @SuppressWarnings("restricted")
    Block allocate(DType dtype, long elements) {
        long n = Math.max(1, elements);
        INDArray a = Nd4j.createUninitializedDetached(nd4jType(dtype), n);
        long address = a.data().addressPointer().address();
        allocations.incrementAndGet();
        bytes.addAndGet(n * dtype.byteSize());
        // Restricted (needs --enable-native-access): the segment is valid while the array is open.
        MemorySegment seg = MemorySegment.ofAddress(address).reinterpret(n * dtype.byteSize());
        return new Block(a, seg);
    }

    long allocationCount() {
        return allocations.get();
    }

    long allocatedBytes() {
        return bytes.get();
    }

    static DataType nd4jType(DType d) {
        return switch (d) {
            case F32 -> DataType.FLOAT;
            case F64 -> DataType.DOUBLE;
            case BF16 -> DataType.BFLOAT16;
            case F16 -> DataType.FLOAT16;
            case I32 -> DataType.INT32;
            case I64 -> DataType.INT64;
            case BOOL -> DataType.BOOL;
        };
    }
}
