package dev.lockstep.device.xla;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Device;
import dev.lockstep.device.Executable;
import dev.lockstep.device.Signature;
import dev.lockstep.graph.Graph;
import dev.lockstep.tensor.HostTensor;
import java.util.ArrayList;
import java.util.List;

/** A graph loaded into an {@link XlaRuntime}; checks buffers against the signature before each run. */
final class XlaExecutable implements Executable {
    private final XlaDevice device;
    private final Graph graph;
    private final XlaRuntime.Program program;
    private volatile boolean closed;

    XlaExecutable(XlaDevice device, Graph graph, XlaRuntime.Program program) {
        this.device = device;
        this.graph = graph;
        this.program = program;
    }

    @Override
    public Graph graph() {
        return graph;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public void execute(List<? extends Buffer> inputs, List<? extends Buffer> outputs) {
        if (closed) {
            throw new IllegalStateException("executable of device " + device.name() + " is closed");
        }
        Signature.check(graph, inputs, outputs);
        List<HostTensor> hostIn = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            hostIn.add(own(inputs.get(i), Signature.inputName(graph, i)));
        }
        List<HostTensor> hostOut = new ArrayList<>(outputs.size());
        for (int i = 0; i < outputs.size(); i++) {
            hostOut.add(own(outputs.get(i), "output " + i));
        }
        program.run(hostIn, hostOut);
    }

    /** A buffer {@link Signature#check} accepted, as this device's own. */
    private HostTensor own(Buffer b, String what) {
        if (!(b instanceof HostBuffer h) || h.owner() != device) {
            throw new IllegalArgumentException(what + " is not a buffer of device " + device.name() + ": " + b);
        }
        return h.live();
    }

    @Override
    public void close() {
        closed = true;
        program.close();
    }
}
