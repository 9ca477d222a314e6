package dev.lockstep.device;

import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** A tensor in device memory. Owned by whoever created it; close it to free the memory. */
public interface Buffer extends AutoCloseable {
    TensorType type();

    /** Copies the contents to the host. */
    HostTensor toHost();

    /** Overwrites the contents with {@code tensor}, which must have this buffer's type. */
    void copyFrom(HostTensor tensor);

    /**
     * Copies the contents into {@code dst} from its position, little-endian, in their host representation
     * ({@link #hostBytes}: f32 for bf16 and f16, one byte per bool); {@code dst}'s position is unchanged.
     * Devices override it to copy without a host array in between; this default goes through {@link #toHost}.
     */
    default void copyTo(ByteBuffer dst) {
        HostTensor h = toHost();
        ByteBuffer b = dst.slice().order(ByteOrder.LITTLE_ENDIAN);
        switch (h.array()) {
            case float[] f -> b.asFloatBuffer().put(f);
            case double[] d -> b.asDoubleBuffer().put(d);
            case int[] x -> b.asIntBuffer().put(x);
            case long[] x -> b.asLongBuffer().put(x);
            case boolean[] z -> {
                for (boolean v : z) {
                    b.put((byte) (v ? 1 : 0));
                }
            }
            default -> throw new IllegalStateException("unexpected host array " + h.array().getClass());
        }
    }

    /** Overwrites the contents from {@code src}'s position, in the layout {@link #copyTo} writes. */
    default void copyFrom(ByteBuffer src) {
        TensorType t = type();
        int n = Math.toIntExact(t.shape().size());
        ByteBuffer b = src.slice().order(ByteOrder.LITTLE_ENDIAN);
        HostTensor h = HostTensor.zeros(t);
        switch (h.array()) {
            case float[] f -> b.asFloatBuffer().get(f, 0, n);
            case double[] d -> b.asDoubleBuffer().get(d, 0, n);
            case int[] x -> b.asIntBuffer().get(x, 0, n);
            case long[] x -> b.asLongBuffer().get(x, 0, n);
            case boolean[] z -> {
                for (int i = 0; i < n; i++) {
                    z[i] = b.get(i) != 0;
                }
            }
            default -> throw new IllegalStateException("unexpected host array " + h.array().getClass());
        }
        copyFrom(h);
    }

    /** Bytes of {@link #copyTo}'s layout for a tensor of {@code type}. */
    static long hostBytes(TensorType type) {
        DType d = type.dtype();
        int size = switch (d) {
            case F32, BF16, F16, I32 -> 4;
            case F64, I64 -> 8;
            case BOOL -> 1;
        };
        return Math.multiplyExact(type.shape().size(), (long) size);
    }

    @Override
    void close();
}
