package dev.lockstep.job;

/** The optimizer of a job, as data; the defaults are Keras'. */
public sealed interface OptimizerSpec {
    record Sgd() implements OptimizerSpec {}

    record Momentum(double momentum, boolean nesterov) implements OptimizerSpec {}

    record Adam(double beta1, double beta2, double epsilon, double weightDecay) implements OptimizerSpec {
        /** Keras' defaults: the optimizer of a spec that names none. */
        public static Adam standard() {
            return new Adam(0.9, 0.999, 1e-7, 0.0);
        }
    }

    record Lamb(double beta1, double beta2, double epsilon, double weightDecay) implements OptimizerSpec {}

    record RmsProp(double rho, double epsilon) implements OptimizerSpec {}

    record Adagrad(double initialAccumulator, double epsilon) implements OptimizerSpec {}

    record Lars(double momentum, double eta, double weightDecay, double epsilon) implements OptimizerSpec {}
}
