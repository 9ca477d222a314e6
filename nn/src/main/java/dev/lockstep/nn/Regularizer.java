package dev.lockstep.nn;

import dev.lockstep.graph.Tensor;

/**
 * Penalties on a parameter, collected from the model tree and added to the objective exactly once.
 * The two L2 conventions differ by a factor of 2 and are named for what they compute.
 */
public sealed interface Regularizer {
    /** The penalty as a scalar graph value. */
    Tensor penalty(Tensor w);

    /** lambda * sum(|w|). */
    record L1(double lambda) implements Regularizer {
        public L1 {
            requireNonNegative(lambda);
        }

        @Override
        public Tensor penalty(Tensor w) {
            return w.abs().sumAll().mul(lambda);
        }
    }

    /** lambda * sum(w^2): Keras' {@code l2}. For a 784x10 kernel of ones at lambda 0.01: 78.4. */
    record L2SumOfSquares(double lambda) implements Regularizer {
        public L2SumOfSquares {
            requireNonNegative(lambda);
        }

        @Override
        public Tensor penalty(Tensor w) {
            return w.square().sumAll().mul(lambda);
        }
    }

    /**
     * lambda / 2 * sum(w^2): {@code tf.nn.l2_loss} scaled by lambda, as in
     * {@code tf.contrib.layers.l2_regularizer}. For a 784x10 kernel of ones at lambda 0.01: 39.2.
     */
    record L2HalfSumOfSquares(double lambda) implements Regularizer {
        public L2HalfSumOfSquares {
            requireNonNegative(lambda);
        }

        @Override
        public Tensor penalty(Tensor w) {
            return w.square().sumAll().mul(lambda / 2);
        }
    }

    private static void requireNonNegative(double lambda) {
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("regularizer lambda must be a finite number >= 0, got " + lambda);
        }
    }
}
