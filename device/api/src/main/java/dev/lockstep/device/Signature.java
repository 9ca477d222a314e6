package dev.lockstep.device;

import dev.lockstep.graph.Graph;
import dev.lockstep.graph.LeafOp;
import dev.lockstep.tensor.TensorType;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The checks every {@link Executable#execute} makes before a run, whatever the device: as many input
 * and output buffers as the graph has, each of its type (an input named by its parameter), and no
 * output that is also an input or another output. The device then checks the buffers are its own.
 */
public final class Signature {
    private Signature() {}

    public static void check(Graph graph, List<? extends Buffer> inputs, List<? extends Buffer> outputs) {
        List<TensorType> in = graph.inputTypes(), out = graph.outputTypes();
        if (inputs.size() != in.size()) {
            throw new IllegalArgumentException("graph takes " + in.size() + " inputs, got " + inputs.size());
        }
        if (outputs.size() != out.size()) {
            throw new IllegalArgumentException("graph has " + out.size() + " outputs, got " + outputs.size() + " buffers");
        }
        Set<Buffer> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < in.size(); i++) {
            checkType(inputs.get(i), in.get(i), inputName(graph, i));
            seen.add(inputs.get(i));
        }
        for (int k = 0; k < out.size(); k++) {
            checkType(outputs.get(k), out.get(k), "output " + k);
            if (!seen.add(outputs.get(k))) {
                throw new IllegalArgumentException("output " + k + " aliases an input or another output; outputs must "
                        + "be distinct buffers");
            }
        }
    }

    /** How errors name input {@code i}: its position and parameter name. */
    public static String inputName(Graph graph, int i) {
        return "input " + i + " '" + ((LeafOp.Parameter) graph.parameters().get(i).op()).name() + "'";
    }

    private static void checkType(Buffer b, TensorType want, String what) {
        if (b == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        if (!b.type().equals(want)) {
            throw new IllegalArgumentException(what + " has type " + b.type() + ", expected " + want);
        }
    }
}
