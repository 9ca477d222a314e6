package dev.lockstep.device;

import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.nio.ByteBuffer;

/** A tensor in device memory. Owned by whoever created it; close it to free the memory. */
public interface Buffer extends AutoCloseable {
    TensorType type();

    /** Copies the contents to the host. */
    HostTensor toHost();

    /** Overwrites the contents with {@code tensor}, which must have this buffer's type. */
    void copyFrom(HostTensor tensor);

    /**
     * Copies the contents into {@code dst} from its position in {@link HostTensor#putLittleEndian}'s layout
     * (little-endian, f32 for bf16 and f16, one byte per bool); {@code dst}'s position is unchanged.
     * Devices override it to copy without a host array in between; this default goes through {@link #toHost}.
     */
    default void copyTo(ByteBuffer dst) {
        toHost().putLittleEndian(dst);
    }

    /** Overwrites the contents from {@code src}'s position, in the layout {@link #copyTo} writes. */
    default void copyFrom(ByteBuffer src) {
        copyFrom(HostTensor.fromLittleEndian(type(), src));
    }

    @Override
    void close();
}
