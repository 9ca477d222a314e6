package dev.lockstep.job;

/**
 * A penalty on a parameter. The two L2 conventions differ by a factor of 2 and are named for what they
 * compute (nn's {@code Regularizer} has the same three).
 */
public sealed interface RegularizerSpec {
    double lambda();

    /** lambda * sum(|w|). */
    record L1(double lambda) implements RegularizerSpec {}

    /** lambda * sum(w^2): Keras' {@code l2}. */
    record L2SumOfSquares(double lambda) implements RegularizerSpec {}

    /** lambda / 2 * sum(w^2): {@code tf.nn.l2_loss} scaled by lambda. */
    record L2HalfSumOfSquares(double lambda) implements RegularizerSpec {}
}
