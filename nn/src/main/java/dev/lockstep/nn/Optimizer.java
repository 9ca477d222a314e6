package dev.lockstep.nn;

import dev.lockstep.graph.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Per-parameter update rules, written as graph code so the apply program lowers to StableHLO. Slots
 * are addressed by parameter path plus slot name ({@code dense/kernel/adam_m}) so they can be
 * checkpointed and resharded. {@code t} is the 1-based step count (f32 scalar), {@code lr} the
 * scheduled learning rate.
 */
public sealed interface Optimizer {
    /** Names of the slots kept for every parameter. */
    List<String> slotNames();

    /** Initial value of every element of {@code slot}. */
    default double slotInitialValue(String slot) {
        return 0.0;
    }

    Update update(Tensor param, Tensor grad, Map<String, Tensor> slots, Tensor t, Tensor lr);

    /** The new parameter value and the new slot values by slot name. */
    record Update(Tensor param, Map<String, Tensor> slots) {}

    /** p -= lr g. */
    record Sgd() implements Optimizer {
        @Override
        public List<String> slotNames() {
            return List.of();
        }

        @Override
        public Update update(Tensor p, Tensor g, Map<String, Tensor> s, Tensor t, Tensor lr) {
            return new Update(p.sub(g.mul(lr)), Map.of());
        }
    }

    /** PyTorch's rule: v = mu v + g; p -= lr v (Nesterov: p -= lr (g + mu v)). */
    record Momentum(double momentum, boolean nesterov) implements Optimizer {
        public Momentum {
            Checks.inUnitInterval("momentum", momentum);
        }

        @Override
        public List<String> slotNames() {
            return List.of("momentum");
        }

        @Override
        public Update update(Tensor p, Tensor g, Map<String, Tensor> s, Tensor t, Tensor lr) {
            Tensor v = s.get("momentum").mul(momentum).add(g);
            Tensor step = nesterov ? g.add(v.mul(momentum)) : v;
            return new Update(p.sub(step.mul(lr)), Map.of("momentum", v));
        }
    }

    /** Adam with bias correction; {@code weightDecay} > 0 makes it AdamW (decoupled, not L2). */
    record Adam(double beta1, double beta2, double epsilon, double weightDecay) implements Optimizer {
        public Adam {
            Checks.inUnitInterval("beta1", beta1);
            Checks.inUnitInterval("beta2", beta2);
            Checks.positive("epsilon", epsilon);
            Checks.nonNegative("weightDecay", weightDecay);
        }

        public static Adam standard() {
            return new Adam(0.9, 0.999, 1e-7, 0);
        }

        /** AdamW: decoupled weight decay, applied as lr * wd * p outside the adaptive scaling. */
        public static Adam adamW(double weightDecay) {
            return new Adam(0.9, 0.999, 1e-7, weightDecay);
        }

        @Override
        public List<String> slotNames() {
            return List.of("adam_m", "adam_v");
        }

        @Override
        public Update update(Tensor p, Tensor g, Map<String, Tensor> s, Tensor t, Tensor lr) {
            Tensor m = s.get("adam_m").mul(beta1).add(g.mul(1 - beta1));
            Tensor v = s.get("adam_v").mul(beta2).add(g.square().mul(1 - beta2));
            Tensor direction = Checks.biasCorrectedRatio(m, v, t, beta1, beta2, epsilon);
            if (weightDecay > 0) {
                direction = direction.add(p.mul(weightDecay));
            }
            return new Update(p.sub(direction.mul(lr)), Map.of("adam_m", m, "adam_v", v));
        }
    }

    /** s = rho s + (1 - rho) g^2; p -= lr g / (sqrt(s) + eps). */
    record RmsProp(double rho, double epsilon) implements Optimizer {
        public RmsProp {
            Checks.inUnitInterval("rho", rho);
            Checks.positive("epsilon", epsilon);
        }

        @Override
        public List<String> slotNames() {
            return List.of("rms");
        }

        @Override
        public Update update(Tensor p, Tensor g, Map<String, Tensor> s, Tensor t, Tensor lr) {
            Tensor ms = s.get("rms").mul(rho).add(g.square().mul(1 - rho));
            return new Update(p.sub(g.div(ms.sqrt().add(epsilon)).mul(lr)), Map.of("rms", ms));
        }
    }

    /** a += g^2; p -= lr g / (sqrt(a) + eps); a starts at {@code initialAccumulator}. */
    record Adagrad(double initialAccumulator, double epsilon) implements Optimizer {
        public Adagrad {
            Checks.nonNegative("initialAccumulator", initialAccumulator);
            Checks.positive("epsilon", epsilon);
        }

        @Override
        public List<String> slotNames() {
            return List.of("adagrad_accumulator");
        }

        @Override
        public double slotInitialValue(String slot) {
            return initialAccumulator;
        }

        @Override
        public Update update(Tensor p, Tensor g, Map<String, Tensor> s, Tensor t, Tensor lr) {
            Tensor a = s.get("adagrad_accumulator").add(g.square());
            return new Update(p.sub(g.div(a.sqrt().add(epsilon)).mul(lr)), Map.of("adagrad_accumulator", a));
        }
    }

    /**
     * LARS (You et al. 2017): local lr = eta ||w|| / (||g|| + wd ||w|| + eps) (1 when a norm is 0);
     * v = mu v + lr * local * (g + wd w); p -= v.
     */
    record Lars(double momentum, double eta, double weightDecay, double epsilon) implements Optimizer {
        public Lars {
            Checks.inUnitInterval("momentum", momentum);
            Checks.positive("eta", eta);
            Checks.nonNegative("weightDecay", weightDecay);
            Checks.positive("epsilon", epsilon);
        }

        @Override
        public List<String> slotNames() {
            return List.of("momentum");
        }

        @Override
        public Update update(Tensor p, Tensor g, Map<String, Tensor> s, Tensor t, Tensor lr) {
            Tensor wNorm = Checks.norm(p), gNorm = Checks.norm(g);
            Tensor trust = Checks.trustRatio(wNorm.mul(eta), gNorm.add(wNorm.mul(weightDecay)).add(epsilon), wNorm, gNorm);
            Tensor v = s.get("momentum").mul(momentum).add(g.add(p.mul(weightDecay)).mul(trust.mul(lr)));
            return new Update(p.sub(v), Map.of("momentum", v));
        }
    }

    /** LAMB (You et al. 2019): Adam direction r plus wd w, scaled by ||w|| / ||r|| (1 when a norm is 0). */
    record Lamb(double beta1, double beta2, double epsilon, double weightDecay) implements Optimizer {
        public Lamb {
            Checks.inUnitInterval("beta1", beta1);
            Checks.inUnitInterval("beta2", beta2);
            Checks.positive("epsilon", epsilon);
            Checks.nonNegative("weightDecay", weightDecay);
        }

        @Override
        public List<String> slotNames() {
            return List.of("lamb_m", "lamb_v");
        }

        @Override
        public Update update(Tensor p, Tensor g, Map<String, Tensor> s, Tensor t, Tensor lr) {
            Tensor m = s.get("lamb_m").mul(beta1).add(g.mul(1 - beta1));
            Tensor v = s.get("lamb_v").mul(beta2).add(g.square().mul(1 - beta2));
            Tensor r = Checks.biasCorrectedRatio(m, v, t, beta1, beta2, epsilon).add(p.mul(weightDecay));
            Tensor wNorm = Checks.norm(p), rNorm = Checks.norm(r);
            Tensor trust = Checks.trustRatio(wNorm, rNorm, wNorm, rNorm);
            return new Update(p.sub(r.mul(trust.mul(lr))), Map.of("lamb_m", m, "lamb_v", v));
        }
    }
}
