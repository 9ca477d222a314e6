package dev.lockstep.nn;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Device;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.LeafOp;
import dev.lockstep.graph.Node;
import dev.lockstep.graph.Tensor;
import dev.lockstep.tensor.HostTensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/** Traces a module on given inputs, runs it on a device with initializer values, returns outputs and values. */
final class LayerHarness {
    final Map<String, double[]> values = new HashMap<>();
    final List<double[]> outputs = new ArrayList<>();

    LayerHarness(Device device, Module module, Mode mode, long seed, HostTensor... inputs) {
        this(device, module, module::callAll, mode, seed, inputs);
    }

    /** Traces {@code root} through {@code trace} (for an entry point other than callAll) on the inputs. */
    LayerHarness(Device device, Module root, BiFunction<Scope, Tensor[], List<Tensor>> trace, Mode mode, long seed,
                 HostTensor... inputs) {
        GraphBuilder b = new GraphBuilder();
        Tensor[] in = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            in[i] = b.wrap(b.parameter("input" + i, inputs[i].type()));
        }
        Scope scope = new Scope(b, mode, root, seed);
        List<Tensor> outs = trace.apply(scope, in);
        var graph = b.buildTensors(outs);
        List<Buffer> buffers = new ArrayList<>();
        for (Node p : graph.parameters()) {
            String name = ((LeafOp.Parameter) p.op()).name();
            HostTensor t;
            if (name.startsWith("input")) {
                t = inputs[Integer.parseInt(name.substring(5))];
            } else if (name.equals(Scope.STEP) || name.equals(Scope.EXAMPLE_OFFSET)) {
                t = HostTensor.ofLongs(new long[] {0});
            } else {
                VariableSpec v = scope.usedVariables().get(name);
                double[] init = v.initializer().values(v.type().shape(), v.path(), seed);
                values.put(name, init);
                t = HostTensor.fromDoubles(v.type(), init);
            }
            buffers.add(device.upload(t));
        }
        try (var exe = device.compile(graph)) {
            for (Buffer o : exe.execute(buffers)) {
                outputs.add(o.toHost().toDoubles());
                o.close();
            }
        }
        buffers.forEach(Buffer::close);
    }

    double[] value(String path) {
        double[] v = values.get(path);
        if (v == null) {
            throw new IllegalArgumentException("no value for " + path + "; have " + values.keySet());
        }
        return v;
    }
}
