package dev.lockstep.estimator.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockstep.job.JobSpec;
import dev.lockstep.job.LayerSpec;
import dev.lockstep.job.ModelSpec;
import dev.lockstep.nn.Mode;
import dev.lockstep.nn.Module;
import dev.lockstep.nn.Regularizer;
import dev.lockstep.nn.Sequential;
import dev.lockstep.nn.VariableSpec;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.TensorType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every layer type, parsed, built by {@link Layers} and traced: output shape and the variables it owns. */
class LayersTest {
    record Case(String yaml, TensorType input, int[] output, String variables) {}

    static final TensorType IMAGE = TensorType.of(DType.F32, 2, 6, 6, 1);
    static final TensorType SEQUENCE = TensorType.of(DType.F32, 2, 10, 2);
    static final TensorType VECTOR = TensorType.of(DType.F32, 2, 3);

    static final List<Case> CASES = List.of(
            new Case("dense: {units: 5, activation: tanh, name: d}", VECTOR, new int[] {2, 5}, "d/kernel, d/bias"),
            new Case("dense: {units: 5, use_bias: false}", VECTOR, new int[] {2, 5}, "dense_0/kernel"),
            new Case("conv2d: {filters: 4, kernel_size: 3, padding: same, activation: relu}", IMAGE,
                    new int[] {2, 6, 6, 4}, "conv2d_0/kernel, conv2d_0/bias"),
            new Case("conv1d: {filters: 4, kernel_size: 3, strides: 1}", SEQUENCE, new int[] {2, 8, 4},
                    "conv1d_0/kernel, conv1d_0/bias"),
            new Case("max_pooling2d: {pool_size: 2}", IMAGE, new int[] {2, 3, 3, 1}, ""),
            new Case("average_pooling2d: {pool_size: 3, strides: 2, padding: same}", IMAGE, new int[] {2, 3, 3, 1}, ""),
            new Case("max_pooling1d: {pool_size: 2}", SEQUENCE, new int[] {2, 5, 2}, ""),
            new Case("average_pooling1d", SEQUENCE, new int[] {2, 5, 2}, ""),
            new Case("flatten", IMAGE, new int[] {2, 36}, ""),
            new Case("dropout: {rate: 0.5}", VECTOR, new int[] {2, 3}, ""),
            new Case("spatial_dropout1d: {rate: 0.5}", SEQUENCE, new int[] {2, 10, 2}, ""),
            new Case("batch_normalization: {momentum: 0.9, epsilon: 0.01, unbiased_moving_variance: true}", VECTOR,
                    new int[] {2, 3}, "batch_normalization_0/gamma, batch_normalization_0/beta, "
                    + "batch_normalization_0/moving_mean, batch_normalization_0/moving_variance"),
            new Case("layer_normalization: {epsilon: 0.001}", VECTOR, new int[] {2, 3},
                    "layer_normalization_0/gamma, layer_normalization_0/beta"),
            new Case("embedding: {vocabulary: 10, dim: 4}", TensorType.of(DType.I32, 2, 5), new int[] {2, 5, 4},
                    "embedding_0/embeddings"),
            new Case("gru: {units: 6}", SEQUENCE, new int[] {2, 6},
                    "gru_0/kernel, gru_0/recurrent_kernel, gru_0/bias"),
            new Case("lstm: {units: 6, return_sequences: true}", SEQUENCE, new int[] {2, 10, 6},
                    "lstm_0/kernel, lstm_0/recurrent_kernel, lstm_0/bias"),
            new Case("global_average_pooling", SEQUENCE, new int[] {2, 2}, ""),
            new Case("global_max_pooling", IMAGE, new int[] {2, 1}, ""),
            new Case("activation: {function: softmax}", VECTOR, new int[] {2, 3}, ""),
            new Case("repeat_vector: {times: 4}", VECTOR, new int[] {2, 4, 3}, ""));

    /** The layer parsed as the only one of a spec (with {@code regularization} when given), then built. */
    static Module build(String yaml, Optional<String> kernels) {
        String spec = "model:\n  input: x\n  layers:\n    - " + yaml + "\n"
                + kernels.map(k -> "regularization: {kernels: " + k + "}\n").orElse("")
                + "head: {regression: {}}\n"
                + "train: {data: {synthetic: {linear: {count: 8, dim: 3}}}, batch_size: 4, steps: 1}\n"
                + "checkpoints: {dir: x}\n";
        LayerSpec layer = ((ModelSpec.Layers) JobSpec.parse(spec, Path.of("/tmp")).model()).layers().getFirst();
        return Sequential.of(layer.name(), Layers.build(layer));
    }

    /** The layer types the spec language has: the schema's, which SchemaTest keeps equal to the parser's. */
    static Set<String> layerTypes() throws IOException {
        Path schema = Path.of(System.getProperty("user.dir")).resolve("../docs/jobspec.schema.json").normalize();
        Set<String> types = new HashSet<>();
        new ObjectMapper().readTree(schema.toFile()).get("$defs").get("layer").get("properties").fieldNames()
                .forEachRemaining(types::add);
        return types;
    }

    @Test
    void everySingleInputLayerBuildsAndTraces() {
        for (Case c : CASES) {
            Module m = build(c.yaml(), Optional.empty());
            TensorType out = Traces.trace(m, Mode.TRAIN, c.input()).getFirst().type();
            assertEquals(dev.lockstep.tensor.Shape.of(c.output()), out.shape(), c.yaml());
            String vars = m.variables().stream().map(VariableSpec::path).collect(Collectors.joining(", "));
            assertEquals(c.variables(), vars, c.yaml());
        }
    }

    @Test
    void everyLayerTypeIsCoveredHereOrInTheGraphTest() throws IOException {
        Set<String> covered = new HashSet<>();
        CASES.forEach(c -> covered.add(c.yaml().split("[: ]")[0]));
        covered.addAll(GraphModelTest.MULTI_INPUT_LAYERS);
        assertEquals(layerTypes(), covered);
        assertEquals(21, layerTypes().size(), "the schema lists the 21 layer types");
    }

    @Test
    void kernelRegularizersDefaultFromRegularizationAndCanBeOverridden() {
        Optional<String> global = Optional.of("{l2_sum_of_squares: 0.5}");
        Map<String, Optional<Regularizer>> byPath = new java.util.LinkedHashMap<>();
        for (String yaml : List.of("dense: {units: 2, name: a}",
                "dense: {units: 2, name: b, kernel_regularizer: {l1: 0.25}, bias_regularizer: {l2_half_sum_of_squares: 2}}")) {
            Module m = build(yaml, global);
            Traces.trace(m, Mode.TRAIN, VECTOR);
            m.parameters().forEach(v -> byPath.put(v.path(), v.regularizer()));
        }
        assertEquals(Optional.of(new Regularizer.L2SumOfSquares(0.5)), byPath.get("a/kernel"));
        assertEquals(Optional.empty(), byPath.get("a/bias"));
        assertEquals(Optional.of(new Regularizer.L1(0.25)), byPath.get("b/kernel"));
        assertEquals(Optional.of(new Regularizer.L2HalfSumOfSquares(2)), byPath.get("b/bias"));
    }

    @Test
    void defaultNamesCountPerTypeAndExplicitNamesDoNotShift() {
        String yaml = """
                model:
                  layers:
                    - dense: {units: 4}
                    - dropout: {rate: 0.1}
                    - dense: {units: 4, name: logits}
                    - dense: {units: 2}
                head: {regression: {}}
                train: {data: {synthetic: {linear: {count: 8, dim: 3}}}, batch_size: 4, steps: 1}
                checkpoints: {dir: x}
                """;
        ModelSpec.Layers l = (ModelSpec.Layers) JobSpec.parse(yaml, Path.of("/tmp")).model();
        assertEquals(List.of("dense_0", "dropout_0", "logits", "dense_2"), l.layers().stream().map(LayerSpec::name).toList());
    }
}
