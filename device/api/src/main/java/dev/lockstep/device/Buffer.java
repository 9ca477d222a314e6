package dev.lockstep.device;

import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;

/** A tensor in device memory. Owned by whoever created it; close it to free the memory. */
public interface Buffer extends AutoCloseable {
    TensorType type();

    /** Copies the contents to the host. */
    HostTensor toHost();

    /** Overwrites the contents with {@code tensor}, which must have this buffer's type. */
    void copyFrom(HostTensor tensor);

    @Override
    void close();
}
