package dev.lockstep.device.conformance;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Capabilities;
import dev.lockstep.device.Device;
import dev.lockstep.device.Executable;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.OpKind;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.List;
import java.util.function.Predicate;

/**
 * A deliberately wrong device for testing the suites: runs on a delegate but, for graphs that
 * {@code victim} selects, nudges element 0 of output {@code output} by {@code relative} times its
 * magnitude (at least 1) for floats, or by 1 for integers: plausible-looking, but wrong.
 */
class PerturbingDevice implements Device {
    private final Device delegate;
    private final Predicate<Graph> victim;
    private final int output;
    private final double relative;

    PerturbingDevice(Device delegate, Predicate<Graph> victim, int output, double relative) {
        this.delegate = delegate;
        this.victim = victim;
        this.output = output;
        this.relative = relative;
    }

    /** Perturbs the first output of graphs whose first output node is of kind {@code kind}, by ten tolerances. */
    static PerturbingDevice ofKind(Device delegate, OpKind kind) {
        return new PerturbingDevice(delegate, g -> g.outputs().getFirst().kind() == kind, 0, -1);
    }

    @Override
    public String name() {
        return "perturbed-" + delegate.name();
    }

    @Override
    public Capabilities capabilities() {
        return delegate.capabilities();
    }

    @Override
    public Executable compile(Graph graph) {
        Executable inner = delegate.compile(graph);
        boolean wrong = graph.outputs().size() > output && victim.test(graph);
        return new Executable() {
            @Override
            public Graph graph() {
                return graph;
            }

            @Override
            public Device device() {
                return PerturbingDevice.this;
            }

            @Override
            public void execute(List<? extends Buffer> inputs, List<? extends Buffer> outputs) {
                inner.execute(inputs, outputs);
                if (wrong && outputs.get(output).type().shape().size() > 0) {
                    Buffer b = outputs.get(output);
                    double[] v = b.toHost().toDoubles();
                    double by = relative > 0 ? relative : 10 * Tolerance.defaultFor(b.type().dtype()).rel();
                    v[0] = b.type().dtype().isFloating() ? v[0] + by * Math.max(1, Math.abs(v[0])) : v[0] + 1;
                    b.copyFrom(HostTensor.fromDoubles(b.type(), v));
                }
            }

            @Override
            public void close() {
                inner.close();
            }
        };
    }

    @Override
    public Buffer upload(HostTensor tensor) {
        return delegate.upload(tensor);
    }

    @Override
    public Buffer allocate(TensorType type) {
        return delegate.allocate(type);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
