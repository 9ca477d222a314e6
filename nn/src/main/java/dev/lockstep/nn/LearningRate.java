package dev.lockstep.nn;

/**
 * Learning-rate schedules: pure functions of the 0-based step, evaluated on the host and fed to the
 * apply program as a scalar input (so they need no trigonometric graph ops, and are reported
 * exactly as used).
 */
public sealed interface LearningRate {
    double at(long step);

    record Constant(double value) implements LearningRate {
        public Constant {
            Checks.positive("learning rate", value);
        }

        @Override
        public double at(long step) {
            return value;
        }
    }

    /** initial * factor^floor(step / every). */
    record StepDecay(double initial, double factor, long every) implements LearningRate {
        public StepDecay {
            Checks.positive("initial", initial);
            Checks.positive("factor", factor);
            if (every <= 0) {
                throw new IllegalArgumentException("every must be a positive number of steps, got " + every);
            }
        }

        @Override
        public double at(long step) {
            return initial * Math.pow(factor, Math.floorDiv(step, every));
        }
    }

    /** initial * rate^(step / decaySteps). */
    record Exponential(double initial, double rate, long decaySteps) implements LearningRate {
        public Exponential {
            Checks.positive("initial", initial);
            Checks.positive("rate", rate);
            if (decaySteps <= 0) {
                throw new IllegalArgumentException("decaySteps must be positive, got " + decaySteps);
            }
        }

        @Override
        public double at(long step) {
            return initial * Math.pow(rate, (double) step / decaySteps);
        }
    }

    /** Cosine decay from initial to alpha * initial over decaySteps, then constant. */
    record Cosine(double initial, long decaySteps, double alpha) implements LearningRate {
        public Cosine {
            Checks.positive("initial", initial);
            Checks.nonNegative("alpha", alpha);
            if (decaySteps <= 0) {
                throw new IllegalArgumentException("decaySteps must be positive, got " + decaySteps);
            }
        }

        @Override
        public double at(long step) {
            double progress = Math.min(step, decaySteps) / (double) decaySteps;
            double cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
            return initial * ((1 - alpha) * cosine + alpha);
        }
    }

    /**
     * Linear warm-up composed with any schedule: {@code after(max(step - warmupSteps, 0)) *
     * min(1, (step + 1) / warmupSteps)}; the wrapped schedule starts counting when warm-up ends.
     */
    record Warmup(long warmupSteps, LearningRate after) implements LearningRate {
        public Warmup {
            if (warmupSteps <= 0) {
                throw new IllegalArgumentException("warmupSteps must be positive, got " + warmupSteps);
            }
        }

        @Override
        public double at(long step) {
            double factor = Math.min(1.0, (step + 1) / (double) warmupSteps);
            return after.at(Math.max(step - warmupSteps, 0)) * factor;
        }
    }
}
