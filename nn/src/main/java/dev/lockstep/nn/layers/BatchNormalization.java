package dev.lockstep.nn.layers;

import dev.lockstep.graph.Tensor;
import dev.lockstep.nn.BatchStatistics;
import dev.lockstep.tensor.TensorType;
import dev.lockstep.nn.Initializer;
import dev.lockstep.nn.Layer;
import dev.lockstep.nn.Scope;

/**
 * Batch normalization over every axis but the last (channels-last). Training uses the batch mean
 * and the biased batch variance (divide by n), and the same traced step updates the moving
 * statistics: {@code moving = momentum * moving + (1 - momentum) * batch}. The moving variance
 * tracks the biased batch variance by default (as Keras does); {@link #unbiasedMovingVariance()}
 * makes it track n / (n - 1) times that. Across replicas, the batch is the replica's slice under
 * {@link BatchStatistics#LOCAL} and the whole global batch under {@link BatchStatistics#SYNC}. Evaluation and prediction use the moving statistics. There
 * is no update op to remember: state updates are outputs of every training step.
 */
public final class BatchNormalization extends Layer {
    private final double momentum;
    private final double epsilon;
    private final boolean unbiased;

    public BatchNormalization() {
        this(0.99, 1e-3, false);
    }

    private BatchNormalization(double momentum, double epsilon, boolean unbiased) {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("BatchNormalization momentum must be in [0, 1), got " + momentum);
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("BatchNormalization epsilon must be > 0, got " + epsilon);
        }
        this.momentum = momentum;
        this.epsilon = epsilon;
        this.unbiased = unbiased;
    }

    public BatchNormalization withMomentum(double m) {
        return new BatchNormalization(m, epsilon, unbiased);
    }

    public BatchNormalization withEpsilon(double e) {
        return new BatchNormalization(momentum, e, unbiased);
    }

    /** Moving variance tracks the unbiased (n - 1) batch variance; normalization still uses the biased one. */
    public BatchNormalization unbiasedMovingVariance() {
        return new BatchNormalization(momentum, epsilon, true);
    }

    @Override
    protected Tensor apply(Scope scope, Tensor x) {
        if (x.rank() < 2) {
            throw new IllegalArgumentException(describe() + " needs [batch, ..., channels], got " + x.type());
        }
        int c = x.shape().dim(x.rank() - 1);
        int[] channels = {c};
        Tensor gamma = parameter(scope, "gamma", x.dtype(), channels, new Initializer.Constant(1), null);
        Tensor beta = parameter(scope, "beta", x.dtype(), channels, new Initializer.Zeros(), null);
        Tensor movingMean = state(scope, "moving_mean", x.dtype(), channels, new Initializer.Zeros());
        Tensor movingVar = state(scope, "moving_variance", x.dtype(), channels, new Initializer.Constant(1));
        Tensor mean, var;
        if (scope.mode().training()) {
            int[] axes = new int[x.rank() - 1];
            for (int i = 0; i < axes.length; i++) {
                axes[i] = i;
            }
            long n = x.shape().size() / c;
            Tensor tracked;
            if (scope.batchStatistics() == BatchStatistics.SYNC) {
                // The global batch's statistics: per-channel sums and the count over every replica, then
                // the squared deviations from the global mean (two passes, as in one process).
                Tensor sums = x.sum(axes).concat(0, x.builder().constant(TensorType.of(x.dtype(), 1), n))
                        .sumOverReplicas();
                Tensor count = sums.slice(0, c, c + 1);
                mean = sums.slice(0, 0, c).div(count);
                var = x.sub(mean).square().sum(axes).sumOverReplicas().div(count);
                tracked = unbiased ? var.mul(count.div(count.sub(1.0).max(1.0))) : var;
            } else {
                mean = x.mean(axes);
                var = x.sub(mean).square().mean(axes);
                tracked = unbiased && n > 1 ? var.mul((double) n / (n - 1)) : var;
            }
            updateState(scope, "moving_mean", movingMean.mul(momentum).add(mean.mul(1 - momentum)));
            updateState(scope, "moving_variance", movingVar.mul(momentum).add(tracked.mul(1 - momentum)));
        } else {
            mean = movingMean;
            var = movingVar;
        }
        return x.sub(mean).mul(var.add(epsilon).rsqrt().mul(gamma)).add(beta);
    }
}
