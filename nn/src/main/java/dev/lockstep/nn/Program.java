package dev.lockstep.nn;

import dev.lockstep.graph.Graph;
import dev.lockstep.graph.LeafOp;
import java.util.List;

/**
 * A graph whose inputs and outputs are named by path ("param/dense/kernel", "grad/dense/kernel",
 * "slot/dense/kernel/adam_m", "state/bn/moving_mean", "metric/grad_norm"), so runners bind tensors
 * by name, never by position.
 */
public record Program(Graph graph, List<String> outputNames) {
    public Program {
        outputNames = List.copyOf(outputNames);
        if (outputNames.size() != graph.outputs().size()) {
            throw new IllegalArgumentException(outputNames.size() + " output names for " + graph.outputs().size()
                    + " outputs");
        }
    }

    public List<String> inputNames() {
        return graph.parameters().stream().map(n -> ((LeafOp.Parameter) n.op()).name()).toList();
    }

    public int inputIndex(String name) {
        int i = inputNames().indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("program has no input '" + name + "'; inputs: " + inputNames());
        }
        return i;
    }

    public int outputIndex(String name) {
        int i = outputNames.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("program has no output '" + name + "'; outputs: " + outputNames);
        }
        return i;
    }
}
