package dev.lockstep.nn.layers;

import dev.lockstep.graph.Tensor;
import dev.lockstep.nn.Initializer;
import dev.lockstep.nn.Layer;
import dev.lockstep.nn.Regularizer;
import dev.lockstep.nn.Scope;

/**
 * {@code activation(x · kernel + bias)} over the last axis. Owns {@code kernel} [in, units] and
 * {@code bias} [units], built from the input's last dimension at the first call.
 */
public final class Dense extends Layer {
    private final int units;
    private final Activation.Fn activation;
    private final boolean useBias;
    private final Initializer kernelInit;
    private final Regularizer kernelRegularizer;
    private final Regularizer biasRegularizer;

    public Dense(int units) {
        this(units, Activation.Fn.LINEAR);
    }

    public Dense(int units, Activation.Fn activation) {
        this(units, activation, true, new Initializer.GlorotUniform(), null, null);
    }

    public Dense(int units, Activation.Fn activation, boolean useBias, Initializer kernelInit,
                 Regularizer kernelRegularizer, Regularizer biasRegularizer) {
        if (units <= 0) {
            throw new IllegalArgumentException("Dense units must be positive, got " + units);
        }
        this.units = units;
        this.activation = activation;
        this.useBias = useBias;
        this.kernelInit = kernelInit;
        this.kernelRegularizer = kernelRegularizer;
        this.biasRegularizer = biasRegularizer;
    }

    /** A copy with these regularizers on kernel and bias (null for none). */
    public Dense withRegularizers(Regularizer kernel, Regularizer bias) {
        return new Dense(units, activation, useBias, kernelInit, kernel, bias);
    }

    @Override
    protected Tensor apply(Scope scope, Tensor x) {
        if (x.rank() < 1) {
            throw new IllegalArgumentException(describe() + " needs an input of rank >= 1, got " + x.type());
        }
        int in = x.shape().dim(x.rank() - 1);
        Tensor kernel = parameter(scope, "kernel", x.dtype(), new int[] {in, units}, kernelInit, kernelRegularizer);
        Tensor y = x.matmul(kernel);
        if (useBias) {
            y = y.add(parameter(scope, "bias", x.dtype(), new int[] {units}, new Initializer.Zeros(), biasRegularizer));
        }
        return activation.apply(y);
    }
}
