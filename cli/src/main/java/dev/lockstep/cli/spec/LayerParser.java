package dev.lockstep.cli.spec;

import dev.lockstep.nn.Module;
import dev.lockstep.nn.Regularizer;
import dev.lockstep.nn.layers.Activation;
import dev.lockstep.nn.layers.BatchNormalization;
import dev.lockstep.nn.layers.Conv;
import dev.lockstep.nn.layers.Dense;
import dev.lockstep.nn.layers.Dropout;
import dev.lockstep.nn.layers.Embedding;
import dev.lockstep.nn.layers.Flatten;
import dev.lockstep.nn.layers.GRU;
import dev.lockstep.nn.layers.GlobalPooling;
import dev.lockstep.nn.layers.LSTM;
import dev.lockstep.nn.layers.LayerNormalization;
import dev.lockstep.nn.layers.Merge;
import dev.lockstep.nn.layers.Padding;
import dev.lockstep.nn.layers.Pooling;
import dev.lockstep.nn.layers.RepeatVector;
import dev.lockstep.nn.layers.SpatialDropout1D;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** Reads one layer ({@code {dense: {units: 8}}} or a bare {@code flatten}) into a {@link LayerSpec}. */
final class LayerParser {
    static final Kind<Activation.Fn> ACTIVATION = Kind.oneOf(lowerCase(Activation.Fn.values()));
    static final Kind<Padding> PADDING = Kind.oneOf(lowerCase(Padding.values()));

    private final Problems problems;
    private final Optional<Regularizer> defaultKernelRegularizer;

    LayerParser(Problems problems, Optional<Regularizer> defaultKernelRegularizer) {
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
            case "dense" -> {
                int units = f.get("units", Kind.POSITIVE_INT);
                Activation.Fn act = f.get("activation", ACTIVATION, Activation.Fn.LINEAR);
                boolean bias = f.get("use_bias", Kind.BOOL, true);
                Regularizer kr = kernelRegularizer(f), br = regularizer(f, "bias_regularizer").orElse(null);
                yield one(type, name, () -> new Dense(units, act, bias, new dev.lockstep.nn.Initializer.GlorotUniform(),
                        kr, br));
            }
            case "conv1d", "conv2d" -> {
                int filters = f.get("filters", Kind.POSITIVE_INT);
                int kernel = f.get("kernel_size", Kind.POSITIVE_INT);
                int stride = f.get("strides", Kind.POSITIVE_INT, 1);
                int dilation = f.get("dilation", Kind.POSITIVE_INT, 1);
                int groups = f.get("groups", Kind.POSITIVE_INT, 1);
                Padding padding = f.get("padding", PADDING, Padding.VALID);
                Activation.Fn act = f.get("activation", ACTIVATION, Activation.Fn.LINEAR);
                Regularizer kr = kernelRegularizer(f);
                boolean two = type.equals("conv2d");
                yield one(type, name, () -> {
                    Conv conv = two ? Conv.conv2d(filters, kernel, stride, padding, act)
                            : Conv.conv1d(filters, kernel, stride, padding, act);
                    conv = two ? conv.withDilation(dilation, dilation) : conv.withDilation(dilation);
                    conv = conv.withGroups(groups);
                    return kr == null ? conv : conv.withKernelRegularizer(kr);
                });
            }
            case "max_pooling1d", "max_pooling2d", "average_pooling1d", "average_pooling2d" -> {
                int pool = f.get("pool_size", Kind.POSITIVE_INT, 2);
                int stride = f.get("strides", Kind.POSITIVE_INT, pool);
                Padding padding = f.get("padding", PADDING, Padding.VALID);
                boolean two = type.endsWith("2d");
                boolean max = type.startsWith("max");
                yield one(type, name, () -> {
                    Pooling p = max ? (two ? Pooling.maxPooling2d(pool) : Pooling.maxPooling1d(pool))
                            : (two ? Pooling.averagePooling2d(pool) : Pooling.averagePooling1d(pool));
                    return (two ? p.withStrides(stride, stride) : p.withStrides(stride)).withPadding(padding);
                });
            }
            case "flatten" -> one(type, name, Flatten::new);
            case "global_average_pooling" -> one(type, name, GlobalPooling::average);
            case "global_max_pooling" -> one(type, name, GlobalPooling::max);
            case "dropout", "spatial_dropout1d" -> {
                double rate = f.get("rate", Kind.UNIT_INTERVAL);
                yield one(type, name, type.equals("dropout") ? () -> new Dropout(rate) : () -> new SpatialDropout1D(rate));
            }
            case "batch_normalization" -> {
                double momentum = f.get("momentum", Kind.UNIT_INTERVAL, 0.99);
                double epsilon = f.get("epsilon", Kind.POSITIVE, 1e-3);
                boolean unbiased = f.get("unbiased_moving_variance", Kind.BOOL, false);
                yield one(type, name, () -> {
                    BatchNormalization bn = new BatchNormalization().withMomentum(momentum).withEpsilon(epsilon);
                    return unbiased ? bn.unbiasedMovingVariance() : bn;
                });
            }
            case "layer_normalization" -> {
                double epsilon = f.get("epsilon", Kind.POSITIVE, 1e-3);
                yield one(type, name, () -> new LayerNormalization(epsilon));
            }
            case "embedding" -> {
                int vocabulary = f.get("vocabulary", Kind.POSITIVE_INT);
                int dim = f.get("dim", Kind.POSITIVE_INT);
                yield one(type, name, () -> new Embedding(vocabulary, dim));
            }
            case "gru", "lstm" -> {
                int units = f.get("units", Kind.POSITIVE_INT);
                boolean sequences = f.get("return_sequences", Kind.BOOL, false);
                // x and an optional mask [batch, steps]; outputs: the output, then the final state
                boolean gru = type.equals("gru");
                Supplier<Module> factory = gru ? () -> new GRU(units, sequences) : () -> new LSTM(units, sequences);
                List<String> state = gru ? List.of("h") : List.of("h", "c");
                yield new LayerSpec(type, name, 1, 2, 1 + state.size(), state, factory);
            }
            case "activation" -> {
                Activation.Fn fn = f.get("function", ACTIVATION);
                yield one(type, name, () -> new Activation(fn));
            }
            case "add" -> new LayerSpec(type, name, 2, Integer.MAX_VALUE, 1, Merge::add);
            case "concatenate" -> {
                int axis = f.get("axis", Kind.INT, -1);
                yield new LayerSpec(type, name, 2, Integer.MAX_VALUE, 1, () -> Merge.concatenate(axis));
            }
            case "repeat_vector" -> {
                int times = f.get("times", Kind.POSITIVE_INT);
                yield one(type, name, () -> new RepeatVector(times));
            }
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

    private Regularizer kernelRegularizer(Fields f) {
        return regularizer(f, "kernel_regularizer").or(() -> defaultKernelRegularizer).orElse(null);
    }

    private Optional<Regularizer> regularizer(Fields f, String key) {
        return f.choice(key, "regularizer").map(c -> regularizer(c, problems));
    }

    /** {@code {l2_sum_of_squares: 0.0001}} and the like. */
    static Regularizer regularizer(Choice c, Problems problems) {
        double lambda = c.scalar(Kind.NON_NEGATIVE, problems);
        return switch (c.variant()) {
            case "l1" -> new Regularizer.L1(lambda);
            case "l2_sum_of_squares" -> new Regularizer.L2SumOfSquares(lambda);
            case "l2_half_sum_of_squares" -> new Regularizer.L2HalfSumOfSquares(lambda);
            default -> throw new IllegalStateException("regularizer '" + c.variant() + "' not parsed");
        };
    }

    private static LayerSpec one(String type, String name, Supplier<? extends Module> factory) {
        return new LayerSpec(type, name, 1, 1, 1, factory::get);
    }

    static <E extends Enum<E>> Map<String, E> lowerCase(E[] values) {
        Map<String, E> m = new LinkedHashMap<>();
        for (E e : values) {
            m.put(e.name().toLowerCase(Locale.ROOT), e);
        }
        return m;
    }
}
