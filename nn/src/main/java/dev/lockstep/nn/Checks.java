package dev.lockstep.nn;

import dev.lockstep.graph.Tensor;

/** Argument checks that name the setting, and small graph helpers shared by the optimizers. */
final class Checks {
    private Checks() {}

    static void inUnitInterval(String name, double v) {
        if (!(v >= 0 && v < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + v);
        }
    }

    static void positive(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be a finite number > 0, got " + v);
        }
    }

    static void nonNegative(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0, got " + v);
        }
    }

    static Tensor norm(Tensor t) {
        return t.square().sumAll().sqrt();
    }

    /** numerator / denominator where both norms are positive, else 1. */
    static Tensor trustRatio(Tensor numerator, Tensor denominator, Tensor normA, Tensor normB) {
        Tensor ok = normA.gt(0.0).select(normB.gt(0.0), normA.gt(0.0));
        Tensor safe = ok.select(denominator, denominator.scalar(1.0));
        return ok.select(numerator.div(safe), numerator.scalar(1.0));
    }

    /** (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps). */
    static Tensor biasCorrectedRatio(Tensor m, Tensor v, Tensor t, double b1, double b2, double eps) {
        Tensor step = t.cast(m.dtype()); // bias correction in the parameter's precision, not f32
        Tensor c1 = step.scalar(1.0).sub(step.scalar(b1).pow(step));
        Tensor c2 = step.scalar(1.0).sub(step.scalar(b2).pow(step));
        return m.div(c1).div(v.div(c2).sqrt().add(eps));
    }
}
