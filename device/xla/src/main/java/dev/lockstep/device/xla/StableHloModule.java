package dev.lockstep.device.xla;

import dev.lockstep.graph.Graph;
import dev.lockstep.graph.Node;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A graph lowered to StableHLO: the MLIR text of {@code module { func.func @main(...) }} with its
 * signature. This is what every runtime consumes (TensorFlow's XlaCallModule for xla-cpu, PJRT plugins in device/pjrt).
 * {@code lineOwners.get(i)} is the graph node that emitted line {@code i + 1} (null for structural
 * lines), so a compiler error that reports a line can name the node.
 */
public record StableHloModule(Graph graph, String text, List<TensorType> inputTypes, List<TensorType> outputTypes,
                              List<Node> lineOwners) {
    public StableHloModule {
        inputTypes = List.copyOf(inputTypes);
        outputTypes = List.copyOf(outputTypes);
        lineOwners = Collections.unmodifiableList(new ArrayList<>(lineOwners));
    }

    /** The node that emitted 1-based line {@code line}, or null. */
    public Node nodeAtLine(int line) {
        return line >= 1 && line <= lineOwners.size() ? lineOwners.get(line - 1) : null;
    }

    @Override
    public String toString() {
        return text;
    }
}
