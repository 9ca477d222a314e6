package dev.lockstep.job;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The model of a job: a sequential list of layers, a graph of named nodes, or a Java class from a jar. */
public sealed interface ModelSpec {
    /**
     * Layers applied in order to one feature. {@code input} is the feature's name; when the spec leaves it
     * out it is the data's only feature that is not a label.
     */
    record Layers(String input, List<LayerSpec> layers) implements ModelSpec {
        public Layers {
            layers = List.copyOf(layers);
        }
    }

    /**
     * Named nodes over features and other nodes, in dependency order (checked acyclic). The first output
     * feeds the head; every output is also a prediction.
     */
    record Graph(List<String> inputs, List<Node> nodes, List<Ref> outputs) implements ModelSpec {
        public Graph {
            inputs = List.copyOf(inputs);
            nodes = List.copyOf(nodes);
            outputs = List.copyOf(outputs);
        }
    }

    /**
     * A graph node: its layer (named after the node), what feeds it, and what seeds its state (a GRU or
     * LSTM started from another node's final state; empty: zeros), in the layer's state order.
     */
    record Node(String name, LayerSpec layer, List<Ref> inputs, List<Ref> initialState) {
        public Node {
            inputs = List.copyOf(inputs);
            initialState = List.copyOf(initialState);
        }

        public Node(String name, LayerSpec layer, List<Ref> inputs) {
            this(name, layer, inputs, List.of());
        }

        /** Every reference this node reads: inputs, then initial state. */
        public List<Ref> reads() {
            List<Ref> all = new java.util.ArrayList<>(inputs);
            all.addAll(initialState);
            return all;
        }
    }

    /**
     * Output {@code output} of node (or feature) {@code source}; written {@code enc} for output 0 and
     * {@code enc:1} for the next (a GRU's final state).
     */
    record Ref(String source, int output) {
        @Override
        public String toString() {
            return output == 0 ? source : source + ":" + output;
        }
    }

    /** A class implementing {@code dev.lockstep.estimator.JavaModel}, loaded from {@code jar} (or the classpath when empty). */
    record JavaClass(String className, Optional<Path> jar, List<String> labels) implements ModelSpec {
        public JavaClass {
            labels = List.copyOf(labels);
        }
    }
}
