package dev.lockstep.job;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Reads one layer ({@code {dense: {units: 8}}} or a bare {@code flatten}) into a {@link LayerSpec} record. */
final class LayerParser {
    static final Kind<LayerSpec.Activation> ACTIVATION = Kind.oneOf(lowerCase(LayerSpec.Activation.values()));
    static final Kind<LayerSpec.Padding> PADDING = Kind.oneOf(lowerCase(LayerSpec.Padding.values()));

    private final Problems problems;
    private final Optional<RegularizerSpec> defaultKernelRegularizer;

    LayerParser(Problems problems, Optional<RegularizerSpec> defaultKernelRegularizer) {
        this.problems = problems;
        this.defaultKernelRegularizer = defaultKernelRegularizer;
    }

    /** The layer, named {@code type_index} unless the spec gives a name; empty after a problem in the choice. */
    Optional<LayerSpec> parse(Object raw, String path, int indexAmongType) {
        Optional<Choice> choice = Choice.read(raw, path, "layer", problems);
        if (choice.isEmpty()) {
            return Optional.empty();
        }
        Choice c = choice.get();
        String type = c.variant();
        Fields f = c.fields(definition(type), problems);
        String name = f.get("name", Kind.NAME, type + "_" + indexAmongType);
        return Optional.of(switch (type) {
            case "dense" -> new LayerSpec.Dense(name, f.get("units", Kind.POSITIVE_INT),
                    f.get("activation", ACTIVATION, LayerSpec.Activation.LINEAR), f.get("use_bias", Kind.BOOL, true),
                    kernelRegularizer(f), regularizer(f, "bias_regularizer"));
            case "conv1d", "conv2d" -> new LayerSpec.Conv(name, type.equals("conv2d") ? 2 : 1,
                    f.get("filters", Kind.POSITIVE_INT), f.get("kernel_size", Kind.POSITIVE_INT),
                    f.get("strides", Kind.POSITIVE_INT, 1), f.get("padding", PADDING, LayerSpec.Padding.VALID),
                    f.get("dilation", Kind.POSITIVE_INT, 1), f.get("groups", Kind.POSITIVE_INT, 1),
                    f.get("activation", ACTIVATION, LayerSpec.Activation.LINEAR), kernelRegularizer(f));
            case "max_pooling1d", "max_pooling2d", "average_pooling1d", "average_pooling2d" -> {
                int pool = f.get("pool_size", Kind.POSITIVE_INT, 2);
                yield new LayerSpec.Pooling(name, type.startsWith("max"), type.endsWith("2d") ? 2 : 1, pool,
                        f.get("strides", Kind.POSITIVE_INT, pool), f.get("padding", PADDING, LayerSpec.Padding.VALID));
            }
            case "flatten" -> new LayerSpec.Flatten(name);
            case "global_average_pooling" -> new LayerSpec.GlobalPooling(name, false);
            case "global_max_pooling" -> new LayerSpec.GlobalPooling(name, true);
            case "dropout", "spatial_dropout1d" -> new LayerSpec.Dropout(name, f.get("rate", Kind.UNIT_INTERVAL),
                    type.equals("spatial_dropout1d"));
            case "batch_normalization" -> new LayerSpec.BatchNormalization(name,
                    f.get("momentum", Kind.UNIT_INTERVAL, 0.99), f.get("epsilon", Kind.POSITIVE, 1e-3),
                    f.get("unbiased_moving_variance", Kind.BOOL, false));
            case "layer_normalization" -> new LayerSpec.LayerNormalization(name, f.get("epsilon", Kind.POSITIVE, 1e-3));
            case "embedding" -> new LayerSpec.Embedding(name, f.get("vocabulary", Kind.POSITIVE_INT),
                    f.get("dim", Kind.POSITIVE_INT));
            case "gru", "lstm" -> new LayerSpec.Recurrent(name,
                    type.equals("gru") ? LayerSpec.Recurrent.Cell.GRU : LayerSpec.Recurrent.Cell.LSTM,
                    f.get("units", Kind.POSITIVE_INT), f.get("return_sequences", Kind.BOOL, false));
            case "activation" -> new LayerSpec.ActivationLayer(name, f.get("function", ACTIVATION));
            case "add" -> new LayerSpec.Add(name);
            case "concatenate" -> new LayerSpec.Concatenate(name, f.get("axis", Kind.INT, -1));
            case "repeat_vector" -> new LayerSpec.RepeatVector(name, f.get("times", Kind.POSITIVE_INT));
            default -> throw new IllegalStateException("layer variant '" + type + "' listed in Keys but not parsed");
        });
    }

    /** The {@link Keys} definition a layer type's settings follow. */
    static String definition(String type) {
        return switch (type) {
            case "conv1d", "conv2d" -> "conv";
            case "max_pooling1d", "max_pooling2d", "average_pooling1d", "average_pooling2d" -> "pooling";
            case "flatten", "global_average_pooling", "global_max_pooling", "add" -> "named";
            case "dropout", "spatial_dropout1d" -> "dropout";
            case "gru", "lstm" -> "recurrent";
            default -> type;
        };
    }

    private Optional<RegularizerSpec> kernelRegularizer(Fields f) {
        return regularizer(f, "kernel_regularizer").or(() -> defaultKernelRegularizer);
    }

    private Optional<RegularizerSpec> regularizer(Fields f, String key) {
        return f.choice(key, "regularizer").map(c -> regularizer(c, problems));
    }

    /** {@code {l2_sum_of_squares: 0.0001}} and the like. */
    static RegularizerSpec regularizer(Choice c, Problems problems) {
        double lambda = c.scalar(Kind.NON_NEGATIVE, problems);
        return switch (c.variant()) {
            case "l1" -> new RegularizerSpec.L1(lambda);
            case "l2_sum_of_squares" -> new RegularizerSpec.L2SumOfSquares(lambda);
            case "l2_half_sum_of_squares" -> new RegularizerSpec.L2HalfSumOfSquares(lambda);
            default -> throw new IllegalStateException("regularizer '" + c.variant() + "' not parsed");
        };
    }

    static <E extends Enum<E>> Map<String, E> lowerCase(E[] values) {
        Map<String, E> m = new LinkedHashMap<>();
        for (E e : values) {
            m.put(e.name().toLowerCase(Locale.ROOT), e);
        }
        return m;
    }
}
