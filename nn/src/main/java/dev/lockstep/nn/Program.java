package dev.lockstep.nn;

import dev.lockstep.graph.Graph;
import dev.lockstep.graph.LeafOp;
import dev.lockstep.graph.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A graph whose inputs and outputs are described by {@link Port}s in graph order: role, path and
 * type. Runners bind tensors by role and path, never by position or by parsing graph names; the
 * graph names ("param/dense/kernel", "grad/dense/kernel") stay as they are because they are part of
 * the graph fingerprint.
 */
public record Program(Graph graph, List<Port> inputs, List<Port> outputs) {
    public Program {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        if (inputs.size() != graph.parameters().size()) {
            throw new IllegalArgumentException(inputs.size() + " input ports for " + graph.parameters().size()
                    + " graph parameters");
        }
        for (int i = 0; i < inputs.size(); i++) {
            Port p = inputs.get(i);
            LeafOp.Parameter param = (LeafOp.Parameter) graph.parameters().get(i).op();
            if (!param.name().equals(p.name()) || !graph.parameters().get(i).type().equals(p.type())) {
                throw new IllegalArgumentException("input " + i + " is '" + param.name() + "' "
                        + graph.parameters().get(i).type() + " in the graph but the port says " + p.name() + " " + p);
            }
        }
        if (outputs.size() != graph.outputs().size()) {
            throw new IllegalArgumentException(outputs.size() + " output ports for " + graph.outputs().size()
                    + " outputs");
        }
        for (int i = 0; i < outputs.size(); i++) {
            if (!graph.outputs().get(i).type().equals(outputs.get(i).type())) {
                throw new IllegalArgumentException("output " + outputs.get(i) + " is "
                        + graph.outputs().get(i).type() + " in the graph");
            }
        }
    }

    /**
     * A traced program: inputs are the {@code declared} ports (features, labels, explicit inputs),
     * the step and example offset the trace asked for, and the variables the trace read (parameters
     * and state, by path, as {@code scope} recorded them).
     */
    public static Program traced(Graph graph, Scope scope, List<Port> declared, List<Port> outputs) {
        Map<String, Port> byName = new LinkedHashMap<>();
        declared.forEach(p -> byName.put(p.name(), p));
        List<Port> inputs = new ArrayList<>();
        for (Node n : graph.parameters()) {
            String name = ((LeafOp.Parameter) n.op()).name();
            Port p = byName.get(name);
            if (p == null) {
                VariableSpec v = scope.usedVariables().get(name);
                if (name.equals(Scope.STEP)) {
                    p = new Port(Role.STEP, name, name, n.type());
                } else if (name.equals(Scope.EXAMPLE_OFFSET)) {
                    p = new Port(Role.EXAMPLE_OFFSET, name, name, n.type());
                } else if (v != null) {
                    p = new Port(v.trainable() ? Role.PARAMETER : Role.STATE, v.path(), name, n.type());
                } else {
                    throw new IllegalArgumentException("graph input '" + name + "' is neither declared nor a variable "
                            + "of the module tree");
                }
            }
            inputs.add(p);
        }
        return new Program(graph, inputs, outputs);
    }

    public List<String> inputNames() {
        return inputs.stream().map(Port::name).toList();
    }

    public List<String> outputNames() {
        return outputs.stream().map(Port::name).toList();
    }

    /** Inputs of {@code role}, in graph order. */
    public List<Port> inputs(Role role) {
        return inputs.stream().filter(p -> p.role() == role).toList();
    }

    /** Outputs of {@code role}, in graph order. */
    public List<Port> outputs(Role role) {
        return outputs.stream().filter(p -> p.role() == role).toList();
    }

    public int inputIndex(String name) {
        int i = inputNames().indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("program has no input '" + name + "'; inputs: " + inputNames());
        }
        return i;
    }

    public int outputIndex(String name) {
        int i = outputNames().indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("program has no output '" + name + "'; outputs: " + outputNames());
        }
        return i;
    }

    /** The position of the output of {@code role} at {@code path}; the error lists the outputs of that role. */
    public int outputIndex(Role role, String path) {
        for (int i = 0; i < outputs.size(); i++) {
            if (outputs.get(i).role() == role && outputs.get(i).path().equals(path)) {
                return i;
            }
        }
        throw new IllegalArgumentException("program has no " + role + " output '" + path + "'; " + role
                + " outputs: " + outputs(role).stream().map(Port::path).toList());
    }
}
