package dev.lockstep.job;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every key the parser accepts, by definition name. The names are the {@code $defs} of
 * docs/jobspec.schema.json, and a test compares the two both ways, so the schema cannot drift from
 * the parser. A "choice" definition (layer, optimizer, ...) lists its variants: a choice is written
 * as a mapping with exactly one of them.
 */
final class Keys {
    private Keys() {}

    static final Map<String, List<String>> DEFS = defs(
            "job", List.of("model", "head", "optimizer", "schedule", "regularization", "gradients", "train", "eval",
                    "checkpoints", "seed", "device", "log_every_steps", "distributed", "pjrt"),
            "model", List.of("input", "layers", "graph", "class", "jar", "labels"),
            "graph", List.of("inputs", "nodes", "outputs"),
            "graph_node", List.of("name", "layer", "inputs", "initial_state"),
            "layer", List.of("dense", "conv1d", "conv2d", "max_pooling1d", "max_pooling2d", "average_pooling1d",
                    "average_pooling2d", "flatten", "dropout", "spatial_dropout1d", "batch_normalization",
                    "layer_normalization", "embedding", "gru", "lstm", "global_average_pooling", "global_max_pooling",
                    "activation", "add", "concatenate", "repeat_vector"),
            "dense", List.of("name", "units", "activation", "use_bias", "kernel_regularizer", "bias_regularizer"),
            "conv", List.of("name", "filters", "kernel_size", "strides", "padding", "dilation", "groups", "activation",
                    "kernel_regularizer"),
            "pooling", List.of("name", "pool_size", "strides", "padding"),
            "named", List.of("name"),
            "dropout", List.of("name", "rate"),
            "batch_normalization", List.of("name", "momentum", "epsilon", "unbiased_moving_variance"),
            "layer_normalization", List.of("name", "epsilon"),
            "embedding", List.of("name", "vocabulary", "dim"),
            "recurrent", List.of("name", "units", "return_sequences"),
            "activation", List.of("name", "function"),
            "concatenate", List.of("name", "axis"),
            "repeat_vector", List.of("name", "times"),
            "regularizer", List.of("l1", "l2_sum_of_squares", "l2_half_sum_of_squares"),
            "regularization", List.of("kernels"),
            "head", List.of("classification", "regression", "sequence"),
            "classification", List.of("classes", "top_k", "label"),
            "regression", List.of("label"),
            "sequence", List.of("vocabulary", "label"),
            "optimizer", List.of("sgd", "momentum", "adam", "rmsprop", "adagrad", "lars", "lamb"),
            "sgd", List.of(),
            "momentum", List.of("momentum", "nesterov"),
            "adam", List.of("beta1", "beta2", "epsilon", "weight_decay"),
            "rmsprop", List.of("rho", "epsilon"),
            "adagrad", List.of("initial_accumulator", "epsilon"),
            "lars", List.of("momentum", "eta", "weight_decay", "epsilon"),
            "schedule", List.of("constant", "step_decay", "exponential", "cosine", "warmup"),
            "constant", List.of("value"),
            "step_decay", List.of("initial", "factor", "every"),
            "exponential", List.of("initial", "rate", "decay_steps"),
            "cosine", List.of("initial", "decay_steps", "alpha"),
            "warmup", List.of("steps", "after"),
            "gradients", List.of("transforms", "micro_batches"),
            "transform", List.of("clip_global_norm", "clip_value", "clip_norm", "scale"),
            "train", List.of("data", "batch_size", "steps", "epochs", "shuffle_buffer", "prefetch"),
            "eval", List.of("data", "batch_size", "steps", "every_steps"),
            "data", List.of("synthetic", "csv", "idx", "tfrecord"),
            "synthetic", List.of("blobs", "linear", "sequence_copy", "sequence_reverse"),
            "blobs", List.of("count", "classes", "dim", "spread", "seed", "split"),
            "linear", List.of("count", "dim", "noise", "seed", "split"),
            "sequences", List.of("count", "length", "vocabulary", "seed", "split"),
            "csv", List.of("files", "header", "delimiter", "columns", "features"),
            "csv_column", List.of("name", "type", "index"),
            "idx", List.of("images", "labels", "range", "image_feature", "label_feature", "normalize"),
            "tfrecord", List.of("files", "features", "skip_corrupt"),
            "tfrecord_feature", List.of("type", "shape"),
            "checkpoints", List.of("dir", "every_steps", "every_seconds", "keep"),
            "distributed", List.of("workers", "max_restarts", "replica_check_every_steps", "bucket_bytes", "batch_norm",
                    "rendezvous_seconds", "below_min_seconds"),
            "workers_range", List.of("min", "max"),
            "pjrt", List.of("client_options"));

    static List<String> of(String def) {
        List<String> keys = DEFS.get(def);
        if (keys == null) {
            throw new IllegalStateException("no key definition '" + def + "' (parser bug)");
        }
        return keys;
    }

    private static Map<String, List<String>> defs(Object... pairs) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            @SuppressWarnings("unchecked")
            List<String> keys = (List<String>) pairs[i + 1];
            if (m.put((String) pairs[i], keys) != null) {
                throw new IllegalStateException("definition " + pairs[i] + " listed twice");
            }
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
