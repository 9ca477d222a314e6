package dev.lockstep.estimator.job;

import dev.lockstep.estimator.Head;
import dev.lockstep.job.HeadSpec;
import dev.lockstep.job.OptimizerSpec;
import dev.lockstep.job.ScheduleSpec;
import dev.lockstep.job.TransformSpec;
import dev.lockstep.nn.GradientTransform;
import dev.lockstep.nn.LearningRate;
import dev.lockstep.nn.Optimizer;
import java.util.List;

/** The optimizer, schedule, gradient transforms and head of a spec as nn and estimator objects. */
public final class Training {
    private Training() {}

    public static Optimizer optimizer(OptimizerSpec o) {
        return switch (o) {
            case OptimizerSpec.Sgd s -> new Optimizer.Sgd();
            case OptimizerSpec.Momentum m -> new Optimizer.Momentum(m.momentum(), m.nesterov());
            case OptimizerSpec.Adam a -> new Optimizer.Adam(a.beta1(), a.beta2(), a.epsilon(), a.weightDecay());
            case OptimizerSpec.Lamb a -> new Optimizer.Lamb(a.beta1(), a.beta2(), a.epsilon(), a.weightDecay());
            case OptimizerSpec.RmsProp r -> new Optimizer.RmsProp(r.rho(), r.epsilon());
            case OptimizerSpec.Adagrad a -> new Optimizer.Adagrad(a.initialAccumulator(), a.epsilon());
            case OptimizerSpec.Lars l -> new Optimizer.Lars(l.momentum(), l.eta(), l.weightDecay(), l.epsilon());
        };
    }

    public static LearningRate schedule(ScheduleSpec s) {
        return switch (s) {
            case ScheduleSpec.Constant c -> new LearningRate.Constant(c.value());
            case ScheduleSpec.StepDecay d -> new LearningRate.StepDecay(d.initial(), d.factor(), d.every());
            case ScheduleSpec.Exponential e -> new LearningRate.Exponential(e.initial(), e.rate(), e.decaySteps());
            case ScheduleSpec.Cosine c -> new LearningRate.Cosine(c.initial(), c.decaySteps(), c.alpha());
            case ScheduleSpec.Warmup w -> new LearningRate.Warmup(w.steps(), schedule(w.after()));
        };
    }

    /** The transforms chained in order. */
    public static GradientTransform transform(List<TransformSpec> transforms) {
        return GradientTransform.chain(transforms.stream().map(Training::transform).toArray(GradientTransform[]::new));
    }

    static GradientTransform transform(TransformSpec t) {
        return switch (t) {
            case TransformSpec.ClipGlobalNorm c -> new GradientTransform.ClipByGlobalNorm(c.clipNorm());
            case TransformSpec.ClipValue c -> new GradientTransform.ClipByValue(c.limit());
            case TransformSpec.ClipNorm c -> new GradientTransform.ClipByNorm(c.clipNorm());
            case TransformSpec.Scale c -> new GradientTransform.Scale(c.factor());
        };
    }

    public static Head head(HeadSpec h) {
        return switch (h) {
            case HeadSpec.Classification c -> new Head.Classification(c.classes(), c.topK());
            case HeadSpec.Regression r -> new Head.Regression();
            case HeadSpec.Sequence q -> new Head.Sequence(q.vocabulary());
        };
    }
}
