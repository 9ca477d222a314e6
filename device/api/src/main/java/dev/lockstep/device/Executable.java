package dev.lockstep.device;

import dev.lockstep.graph.Graph;
import java.util.ArrayList;
import java.util.List;

/** A graph compiled for one device and input signature. */
public interface Executable extends AutoCloseable {
    Graph graph();

    Device device();

    /**
     * Runs the graph on {@code inputs} (one per graph parameter, of exactly its type) and writes the
     * results into {@code outputs} (one per graph output, of its type, not aliasing any input).
     * Callers that reuse output buffers across steps allocate nothing in steady state. A type
     * mismatch is an {@link IllegalArgumentException} naming the parameter or output.
     */
    void execute(List<? extends Buffer> inputs, List<? extends Buffer> outputs);

    /** Runs the graph into newly allocated output buffers, which the caller owns. */
    default List<Buffer> execute(List<? extends Buffer> inputs) {
        List<Buffer> outs = new ArrayList<>();
        for (var t : graph().outputTypes()) {
            outs.add(device().allocate(t));
        }
        execute(inputs, outs);
        return outs;
    }

    @Override
    void close();
}
