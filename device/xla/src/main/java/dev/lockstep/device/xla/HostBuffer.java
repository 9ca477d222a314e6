package dev.lockstep.device.xla;

import dev.lockstep.device.Buffer;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;

/**
 * A buffer of a device whose memory is the host's (XLA on the CPU): a Java array. bf16 and f16
 * values are rounded when written, so the buffer holds exactly what the device computes with.
 */
final class HostBuffer implements Buffer {
    private final XlaDevice owner;
    private final HostTensor data;
    private volatile boolean closed;

    HostBuffer(XlaDevice owner, TensorType type) {
        this.owner = owner;
        this.data = HostTensor.zeros(type);
    }

    @Override
    public TensorType type() {
        return data.type();
    }

    @Override
    public HostTensor toHost() {
        HostTensor t = HostTensor.zeros(type());
        System.arraycopy(live().array(), 0, t.array(), 0, t.size());
        return t;
    }

    @Override
    public void copyFrom(HostTensor tensor) {
        if (!tensor.type().equals(type())) {
            throw new IllegalArgumentException("cannot copy a host tensor of type " + tensor.type()
                    + " into a " + owner.name() + " buffer of type " + type());
        }
        System.arraycopy(tensor.array(), 0, live().array(), 0, data.size());
        round();
    }

    /** The backing tensor, for the device's runtime; fails once the buffer is closed. */
    HostTensor live() {
        if (closed) {
            throw new IllegalStateException("buffer " + type() + " of device " + owner.name() + " is closed");
        }
        return data;
    }

    XlaDevice owner() {
        return owner;
    }

    private void round() {
        DType d = data.dtype();
        if (d == DType.BF16 || d == DType.F16) {
            float[] f = data.floats();
            for (int i = 0; i < f.length; i++) {
                f[i] = d == DType.BF16 ? Literals.roundBf16(f[i]) : Literals.roundF16(f[i]);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
