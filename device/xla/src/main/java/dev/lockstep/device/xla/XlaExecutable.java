package dev.lockstep.device.xla;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Device;
import dev.lockstep.device.Executable;
import dev.lockstep.device.HostTensor;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.LeafOp;
import dev.lockstep.graph.TensorType;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

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
        List<TensorType> in = graph.inputTypes();
        List<TensorType> out = graph.outputTypes();
        if (inputs.size() != in.size()) {
            throw new IllegalArgumentException("graph takes " + in.size() + " inputs, got " + inputs.size());
        }
        if (outputs.size() != out.size()) {
            throw new IllegalArgumentException("graph has " + out.size() + " outputs, got " + outputs.size() + " buffers");
        }
        Map<HostTensor, Boolean> seen = new IdentityHashMap<>();
        List<HostTensor> hostIn = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            String what = "input " + i + " ('" + ((LeafOp.Parameter) graph.parameters().get(i).op()).name() + "')";
            HostTensor t = check(inputs.get(i), in.get(i), what);
            seen.put(t, Boolean.TRUE);
            hostIn.add(t);
        }
        List<HostTensor> hostOut = new ArrayList<>(out.size());
        for (int i = 0; i < out.size(); i++) {
            HostTensor t = check(outputs.get(i), out.get(i), "output " + i);
            if (seen.put(t, Boolean.TRUE) != null) {
                throw new IllegalArgumentException("output " + i + " aliases an input or another output");
            }
            hostOut.add(t);
        }
        program.run(hostIn, hostOut);
    }

    private HostTensor check(Buffer b, TensorType want, String what) {
        if (!(b instanceof HostBuffer h) || h.owner() != device) {
            throw new IllegalArgumentException(what + " is not a buffer of device " + device.name() + ": " + b);
        }
        if (!b.type().equals(want)) {
            throw new IllegalArgumentException(what + " has type " + b.type() + " but the graph wants " + want);
        }
        return h.live();
    }

    @Override
    public void close() {
        closed = true;
        program.close();
    }
}
