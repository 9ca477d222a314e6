package dev.lockstep.estimator.job;

import dev.lockstep.graph.Tensor;
import dev.lockstep.job.ModelSpec;
import dev.lockstep.nn.Module;
import dev.lockstep.nn.Scope;
import dev.lockstep.nn.layers.Recurrent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link ModelSpec.Graph} as a module: each node's layer is a child named after the node, and
 * forward evaluates the nodes in their (validated) dependency order. Inputs are the graph's features
 * in declared order; outputs are the declared outputs.
 */
final class GraphModule extends Module {
    private final ModelSpec.Graph graph;
    private final Map<String, Module> modules = new HashMap<>();

    GraphModule(ModelSpec.Graph graph) {
        this.graph = graph;
        for (ModelSpec.Node n : graph.nodes()) {
            modules.put(n.name(), child(n.name(), Layers.build(n.layer())));
        }
    }

    @Override
    protected Tensor forward(Scope scope, Tensor... inputs) {
        return forwardAll(scope, inputs).getFirst();
    }

    @Override
    protected List<Tensor> forwardAll(Scope scope, Tensor... inputs) {
        if (inputs.length != graph.inputs().size()) {
            throw new IllegalArgumentException(describe() + " takes the features " + graph.inputs() + ", got "
                    + inputs.length + " tensors");
        }
        Map<String, List<Tensor>> values = new HashMap<>();
        for (int i = 0; i < inputs.length; i++) {
            values.put(graph.inputs().get(i), List.of(inputs[i]));
        }
        for (ModelSpec.Node n : graph.nodes()) {
            Tensor[] args = n.inputs().stream().map(r -> value(values, r, n.name())).toArray(Tensor[]::new);
            Module m = modules.get(n.name());
            if (n.initialState().isEmpty()) {
                values.put(n.name(), m.callAll(scope, args));
            } else if (m instanceof Recurrent r) {
                List<Tensor> state = n.initialState().stream().map(ref -> value(values, ref, n.name())).toList();
                values.put(n.name(), r.callWithInitialState(scope, state, args));
            } else {
                // The parser already rejects this; a hand-built ModelSpec.Node can still get here.
                throw new IllegalArgumentException(describe() + ": node '" + n.name() + "' has an initial state but "
                        + m.describe() + " is not a gru or lstm");
            }
        }
        List<Tensor> out = new ArrayList<>();
        graph.outputs().forEach(r -> out.add(value(values, r, "outputs")));
        return out;
    }

    private Tensor value(Map<String, List<Tensor>> values, ModelSpec.Ref r, String user) {
        List<Tensor> v = values.get(r.source());
        if (v == null || r.output() >= v.size()) {
            // The parser checks references and counts; reaching this means a layer returned fewer outputs.
            throw new IllegalArgumentException(describe() + ": '" + user + "' reads " + r + " but "
                    + (v == null ? "it has not been computed" : r.source() + " has " + v.size() + " outputs"));
        }
        return v.get(r.output());
    }
}
