package dev.lockstep.device.conformance;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Capabilities;
import dev.lockstep.device.Device;
import dev.lockstep.device.Executable;
import dev.lockstep.tensor.DType;
import dev.lockstep.device.Signature;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.OpKind;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.EnumSet;
import java.util.List;

/**
 * A {@link Device} named {@code reference} that runs graphs on the {@link ReferenceInterpreter}:
 * every op, every dtype, heap buffers. For tests (gradient checks of autodiff, suites that need a
 * device without native code); far too slow for training. Not registered as a provider, so it
 * never shows up in {@code Devices.available()}.
 */
public final class ReferenceDevice implements Device {
    private final Capabilities capabilities;

    /** A reference device with every op and dtype. */
    public ReferenceDevice() {
        this(Capabilities.of(EnumSet.allOf(OpKind.class), EnumSet.allOf(DType.class)));
    }

    /** A reference device restricted to {@code capabilities}, to exercise capability checks. */
    public ReferenceDevice(Capabilities capabilities) {
        this.capabilities = capabilities;
    }

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public Executable compile(Graph graph) {
        capabilities.require(graph, name());
        return new RefExecutable(this, graph);
    }

    @Override
    public Buffer upload(HostTensor tensor) {
        RefBuffer b = new RefBuffer(this, tensor.type());
        b.copyFrom(tensor);
        return b;
    }

    @Override
    public Buffer allocate(TensorType type) {
        return new RefBuffer(this, type);
    }

    @Override
    public void close() {}

    /** Heap storage; bf16/f16 contents are held rounded to their precision, as a device would. */
    private static final class RefBuffer implements Buffer {
        private final ReferenceDevice device;
        private final TensorType type;
        private HostTensor contents;
        private boolean closed;

        RefBuffer(ReferenceDevice device, TensorType type) {
            this.device = device;
            this.type = type;
            this.contents = HostTensor.zeros(type);
        }

        @Override
        public TensorType type() {
            return type;
        }

        @Override
        public HostTensor toHost() {
            checkOpen();
            return RefValue.fromHost(contents).toHost();
        }

        @Override
        public void copyFrom(HostTensor tensor) {
            checkOpen();
            if (!tensor.type().equals(type)) {
                throw new IllegalArgumentException("cannot copy a " + tensor.type() + " host tensor into a " + type + " buffer");
            }
            contents = RefValue.fromHost(tensor).toHost();
        }

        private void checkOpen() {
            if (closed) {
                throw new IllegalStateException("reference buffer of type " + type + " is closed");
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private record RefExecutable(ReferenceDevice device, Graph graph) implements Executable {
        @Override
        public void execute(List<? extends Buffer> inputs, List<? extends Buffer> outputs) {
            Signature.check(graph, inputs, outputs);
            for (int i = 0; i < inputs.size(); i++) {
                own(inputs.get(i), Signature.inputName(graph, i));
            }
            for (int i = 0; i < outputs.size(); i++) {
                own(outputs.get(i), "output " + i);
            }
            List<HostTensor> hostIn = inputs.stream().map(Buffer::toHost).toList();
            List<HostTensor> results = ReferenceInterpreter.evaluate(graph, hostIn);
            for (int i = 0; i < results.size(); i++) {
                outputs.get(i).copyFrom(results.get(i));
            }
        }

        private void own(Buffer b, String what) {
            if (!(b instanceof RefBuffer rb) || rb.device != device) {
                throw new IllegalArgumentException(what + " is not a buffer of this reference device: " + b);
            }
        }

        @Override
        public void close() {}
    }
}
