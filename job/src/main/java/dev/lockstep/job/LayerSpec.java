package dev.lockstep.job;

import java.util.List;
import java.util.Optional;

/**
 * One layer of a spec'd model, as data: its type ({@code dense}), its name in the model tree
 * ({@code dense_0} unless the spec names it) and its settings. {@link #outputs} counts what the built
 * module returns (a GRU: the output and its final state); {@link #stateNames} lists the initial state
 * tensors a graph node may seed it with (a GRU: h; an LSTM: h, c; other layers none). The mapping to
 * modules (dev.lockstep.estimator.job) is a switch over these records, so a new record without a
 * factory does not compile.
 */
public sealed interface LayerSpec {
    /** The name in the model tree, which prefixes the paths of the layer's variables. */
    String name();

    /** The same layer under another name (a graph node's layer is named after the node). */
    LayerSpec withName(String newName);

    /** The key the spec writes the layer under ({@code dense}, {@code conv2d}, ...). */
    String type();

    default int minInputs() {
        return 1;
    }

    default int maxInputs() {
        return 1;
    }

    default int outputs() {
        return 1 + stateNames().size();
    }

    default List<String> stateNames() {
        return List.of();
    }

    /** Activation functions by their spec names (the lower-case names of {@code nn.layers.Activation.Fn}). */
    enum Activation { LINEAR, RELU, TANH, SIGMOID, GELU, SOFTMAX, LOG_SOFTMAX, SOFTPLUS, ELU }

    /** Convolution and pooling padding (the lower-case names of {@code nn.layers.Padding}). */
    enum Padding { VALID, SAME }

    record Dense(String name, int units, Activation activation, boolean useBias,
                 Optional<RegularizerSpec> kernelRegularizer, Optional<RegularizerSpec> biasRegularizer)
            implements LayerSpec {
        public Dense withName(String n) {
            return new Dense(n, units, activation, useBias, kernelRegularizer, biasRegularizer);
        }

        public String type() {
            return "dense";
        }
    }

    /** conv1d ({@code rank} 1) or conv2d (rank 2); kernel, stride and dilation are the same along each axis. */
    record Conv(String name, int rank, int filters, int kernelSize, int strides, Padding padding, int dilation,
                int groups, Activation activation, Optional<RegularizerSpec> kernelRegularizer) implements LayerSpec {
        public Conv withName(String n) {
            return new Conv(n, rank, filters, kernelSize, strides, padding, dilation, groups, activation,
                    kernelRegularizer);
        }

        public String type() {
            return "conv" + rank + "d";
        }
    }

    /** max_pooling1d/2d or average_pooling1d/2d. */
    record Pooling(String name, boolean max, int rank, int poolSize, int strides, Padding padding) implements LayerSpec {
        public Pooling withName(String n) {
            return new Pooling(n, max, rank, poolSize, strides, padding);
        }

        public String type() {
            return (max ? "max" : "average") + "_pooling" + rank + "d";
        }
    }

    record Flatten(String name) implements LayerSpec {
        public Flatten withName(String n) {
            return new Flatten(n);
        }

        public String type() {
            return "flatten";
        }
    }

    /** global_max_pooling or global_average_pooling. */
    record GlobalPooling(String name, boolean max) implements LayerSpec {
        public GlobalPooling withName(String n) {
            return new GlobalPooling(n, max);
        }

        public String type() {
            return max ? "global_max_pooling" : "global_average_pooling";
        }
    }

    /** dropout, or spatial_dropout1d (whole channels of a sequence). */
    record Dropout(String name, double rate, boolean spatial1d) implements LayerSpec {
        public Dropout withName(String n) {
            return new Dropout(n, rate, spatial1d);
        }

        public String type() {
            return spatial1d ? "spatial_dropout1d" : "dropout";
        }
    }

    record BatchNormalization(String name, double momentum, double epsilon, boolean unbiasedMovingVariance)
            implements LayerSpec {
        public BatchNormalization withName(String n) {
            return new BatchNormalization(n, momentum, epsilon, unbiasedMovingVariance);
        }

        public String type() {
            return "batch_normalization";
        }
    }

    record LayerNormalization(String name, double epsilon) implements LayerSpec {
        public LayerNormalization withName(String n) {
            return new LayerNormalization(n, epsilon);
        }

        public String type() {
            return "layer_normalization";
        }
    }

    record Embedding(String name, int vocabulary, int dim) implements LayerSpec {
        public Embedding withName(String n) {
            return new Embedding(n, vocabulary, dim);
        }

        public String type() {
            return "embedding";
        }
    }

    /** gru or lstm: x and an optional mask [batch, steps]; outputs the output, then the final state. */
    record Recurrent(String name, Cell cell, int units, boolean returnSequences) implements LayerSpec {
        public enum Cell { GRU, LSTM }

        public Recurrent withName(String n) {
            return new Recurrent(n, cell, units, returnSequences);
        }

        public String type() {
            return cell == Cell.GRU ? "gru" : "lstm";
        }

        @Override
        public int maxInputs() {
            return 2;
        }

        @Override
        public List<String> stateNames() {
            return cell == Cell.GRU ? List.of("h") : List.of("h", "c");
        }
    }

    record ActivationLayer(String name, Activation function) implements LayerSpec {
        public ActivationLayer withName(String n) {
            return new ActivationLayer(n, function);
        }

        public String type() {
            return "activation";
        }
    }

    /** Elementwise sum of two or more inputs. */
    record Add(String name) implements LayerSpec {
        public Add withName(String n) {
            return new Add(n);
        }

        public String type() {
            return "add";
        }

        @Override
        public int minInputs() {
            return 2;
        }

        @Override
        public int maxInputs() {
            return Integer.MAX_VALUE;
        }
    }

    record Concatenate(String name, int axis) implements LayerSpec {
        public Concatenate withName(String n) {
            return new Concatenate(n, axis);
        }

        public String type() {
            return "concatenate";
        }

        @Override
        public int minInputs() {
            return 2;
        }

        @Override
        public int maxInputs() {
            return Integer.MAX_VALUE;
        }
    }

    record RepeatVector(String name, int times) implements LayerSpec {
        public RepeatVector withName(String n) {
            return new RepeatVector(n, times);
        }

        public String type() {
            return "repeat_vector";
        }
    }
}
