package dev.lockstep.estimator.job;

import dev.lockstep.job.LayerSpec;
import dev.lockstep.job.RegularizerSpec;
import dev.lockstep.nn.Initializer;
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
import java.util.Optional;

/**
 * A {@link LayerSpec} to a fresh {@link Module} (a module has exactly one owner, so every call makes a new
 * one). One case per spec record: a layer type without a factory does not compile.
 */
public final class Layers {
    private Layers() {}

    public static Module build(LayerSpec spec) {
        return switch (spec) {
            case LayerSpec.Dense d -> new Dense(d.units(), activation(d.activation()), d.useBias(),
                    new Initializer.GlorotUniform(), regularizer(d.kernelRegularizer()), regularizer(d.biasRegularizer()));
            case LayerSpec.Conv c -> {
                boolean two = c.rank() == 2;
                Padding padding = padding(c.padding());
                Activation.Fn act = activation(c.activation());
                Conv conv = two ? Conv.conv2d(c.filters(), c.kernelSize(), c.strides(), padding, act)
                        : Conv.conv1d(c.filters(), c.kernelSize(), c.strides(), padding, act);
                conv = two ? conv.withDilation(c.dilation(), c.dilation()) : conv.withDilation(c.dilation());
                conv = conv.withGroups(c.groups());
                Regularizer kr = regularizer(c.kernelRegularizer());
                yield kr == null ? conv : conv.withKernelRegularizer(kr);
            }
            case LayerSpec.Pooling p -> {
                boolean two = p.rank() == 2;
                int pool = p.poolSize();
                Pooling pooling = p.max() ? (two ? Pooling.maxPooling2d(pool) : Pooling.maxPooling1d(pool))
                        : (two ? Pooling.averagePooling2d(pool) : Pooling.averagePooling1d(pool));
                yield (two ? pooling.withStrides(p.strides(), p.strides()) : pooling.withStrides(p.strides()))
                        .withPadding(padding(p.padding()));
            }
            case LayerSpec.Flatten f -> new Flatten();
            case LayerSpec.GlobalPooling g -> g.max() ? GlobalPooling.max() : GlobalPooling.average();
            case LayerSpec.Dropout d -> d.spatial1d() ? new SpatialDropout1D(d.rate()) : new Dropout(d.rate());
            case LayerSpec.BatchNormalization b -> {
                BatchNormalization bn = new BatchNormalization().withMomentum(b.momentum()).withEpsilon(b.epsilon());
                yield b.unbiasedMovingVariance() ? bn.unbiasedMovingVariance() : bn;
            }
            case LayerSpec.LayerNormalization l -> new LayerNormalization(l.epsilon());
            case LayerSpec.Embedding e -> new Embedding(e.vocabulary(), e.dim());
            case LayerSpec.Recurrent r -> switch (r.cell()) {
                case GRU -> new GRU(r.units(), r.returnSequences());
                case LSTM -> new LSTM(r.units(), r.returnSequences());
            };
            case LayerSpec.ActivationLayer a -> new Activation(activation(a.function()));
            case LayerSpec.Add a -> Merge.add();
            case LayerSpec.Concatenate c -> Merge.concatenate(c.axis());
            case LayerSpec.RepeatVector r -> new RepeatVector(r.times());
        };
    }

    public static Regularizer regularizer(RegularizerSpec r) {
        return switch (r) {
            case RegularizerSpec.L1 l -> new Regularizer.L1(l.lambda());
            case RegularizerSpec.L2SumOfSquares l -> new Regularizer.L2SumOfSquares(l.lambda());
            case RegularizerSpec.L2HalfSumOfSquares l -> new Regularizer.L2HalfSumOfSquares(l.lambda());
        };
    }

    private static Regularizer regularizer(Optional<RegularizerSpec> r) {
        return r.map(Layers::regularizer).orElse(null);
    }

    static Activation.Fn activation(LayerSpec.Activation a) {
        return switch (a) {
            case LINEAR -> Activation.Fn.LINEAR;
            case RELU -> Activation.Fn.RELU;
            case TANH -> Activation.Fn.TANH;
            case SIGMOID -> Activation.Fn.SIGMOID;
            case GELU -> Activation.Fn.GELU;
            case SOFTMAX -> Activation.Fn.SOFTMAX;
            case LOG_SOFTMAX -> Activation.Fn.LOG_SOFTMAX;
            case SOFTPLUS -> Activation.Fn.SOFTPLUS;
            case ELU -> Activation.Fn.ELU;
        };
    }

    static Padding padding(LayerSpec.Padding p) {
        return switch (p) {
            case VALID -> Padding.VALID;
            case SAME -> Padding.SAME;
        };
    }
}
