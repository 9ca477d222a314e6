package dev.lockstep.device.pjrt;

import dev.lockstep.device.Buffer;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * A Lockstep buffer on a PJRT device: a handle to the current {@code PJRT_Buffer}. PJRT buffers are immutable
 * and a program's outputs are new buffers, so writing (a copy from the host, being an output of a run) swaps
 * the handle and destroys the old one; the Java object stays, as the training loop expects. A buffer donated
 * to a run has no handle until it is written again. Every access goes through the device, under its lock.
 */
final class PjrtBuffer implements Buffer {
    private final PjrtDevice device;
    private final TensorType type;
    /** The PJRT_Buffer*, or NULL: allocated but never written, donated, or closed. */
    private MemorySegment handle = MemorySegment.NULL;
    private boolean donated;
    private boolean closed;

    PjrtBuffer(PjrtDevice device, TensorType type) {
        this.device = device;
        this.type = type;
    }

    @Override
    public TensorType type() {
        return type;
    }

    PjrtDevice device() {
        return device;
    }

    @Override
    public HostTensor toHost() {
        return device.locked(() -> {
            HostTensor out = HostTensor.zeros(type);
            if (readable()) {
                HostLayout.read(device.download(handle, type), out);
            }
            return out;
        });
    }

    @Override
    public void copyTo(ByteBuffer dst) {
        device.locked(() -> {
            if (readable()) {
                HostLayout.readInto(device.download(handle, type), type, dst);
            } else {
                HostTensor.zeros(type).putLittleEndian(dst);
            }
            return null;
        });
    }

    @Override
    public void copyFrom(HostTensor tensor) {
        if (!tensor.type().equals(type)) {
            throw new IllegalArgumentException("cannot copy a host tensor of type " + tensor.type() + " into a "
                    + device.name() + " buffer of type " + type);
        }
        device.locked(() -> {
            check();
            MemorySegment staging = device.staging(HostLayout.bytes(type));
            HostLayout.write(tensor, staging);
            replace(device.upload(staging, type));
            return null;
        });
    }

    @Override
    public void copyFrom(ByteBuffer src) {
        device.locked(() -> {
            check();
            MemorySegment staging = device.staging(HostLayout.bytes(type));
            HostLayout.writeFrom(src, type, staging);
            replace(device.upload(staging, type));
            return null;
        });
    }

    /** Whether there is a value to read; a never-written buffer reads as zeros (its contents are unspecified). */
    private boolean readable() {
        check();
        if (donated) {
            throw new IllegalStateException("buffer " + type + " of device " + device.name() + " was donated to a "
                    + "program run and has not been written since");
        }
        return handle.address() != 0;
    }

    private void check() {
        if (closed) {
            throw new IllegalStateException("buffer " + type + " of device " + device.name() + " is closed"
                    + (device.isClosed() ? " (its device was closed)" : ""));
        }
        device.checkUsable();
    }

    /** The handle to pass as a program input, writing zeros first into a buffer that was never written. */
    MemorySegment inputHandle(String what) {
        if (closed) {
            throw new IllegalArgumentException(what + " is a closed buffer");
        }
        if (donated) {
            throw new IllegalArgumentException(what + " was donated to an earlier run and has not been written since");
        }
        if (handle.address() == 0) {
            MemorySegment staging = device.staging(HostLayout.bytes(type));
            staging.fill((byte) 0);
            handle = device.upload(staging, type);
        }
        return handle;
    }

    boolean isClosed() {
        return closed;
    }

    /** Takes {@code fresh} as the current value, destroying the previous one. */
    void replace(MemorySegment fresh) {
        MemorySegment old = handle;
        handle = fresh;
        donated = false;
        device.destroy(old);
    }

    /** The run consumed this buffer's value: its PJRT_Buffer is gone (destroyed here) until the next write. */
    void donate() {
        device.destroy(handle);
        handle = MemorySegment.NULL;
        donated = true;
    }

    /** Destroys the PJRT buffer; called by {@link #close} and by the device when it closes. */
    void release() {
        if (!closed) {
            closed = true;
            device.destroy(handle);
            handle = MemorySegment.NULL;
        }
    }

    @Override
    public void close() {
        device.closeBuffer(this);
    }

    @Override
    public String toString() {
        return "PjrtBuffer[" + type + " on " + device.name() + (closed ? ", closed" : donated ? ", donated" : "") + "]";
    }
}
