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

    /**
     * The same, telling {@code listener} as each output becomes final, so that its consumer (the
     * all-reduce of a gradient) can start while the rest of the graph still runs. {@code ready(k)} is
     * called once per output, on the executing thread, when output k's buffer holds its result and this
     * run will not write it again; from then until this method returns, other threads may read that
     * buffer (never write it). The listener must return quickly: the device waits for it. A device that
     * finishes every output at once calls it for each output, in order, after the run (the default).
     */
    default void execute(List<? extends Buffer> inputs, List<? extends Buffer> outputs, OutputListener listener) {
        execute(inputs, outputs);
        for (int k = 0; k < outputs.size(); k++) {
            listener.ready(k);
        }
    }

    /** Told as each output of a run becomes final; see {@link #execute(List, List, OutputListener)}. */
    @FunctionalInterface
    interface OutputListener {
        void ready(int output);
    }

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
