package dev.lockstep.estimator.job;

import dev.lockstep.estimator.Builder;
import dev.lockstep.estimator.Estimator;
import dev.lockstep.estimator.InputFn;
import dev.lockstep.estimator.Listener;
import dev.lockstep.estimator.ModelFn;
import dev.lockstep.estimator.RunConfig;
import dev.lockstep.nn.BatchStatistics;
import dev.lockstep.nn.GradientTransform;
import dev.lockstep.nn.LearningRate;
import dev.lockstep.nn.Module;
import dev.lockstep.nn.Optimizer;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A built job: the model tree, its model function, the run configuration, the estimator settings and
 * the input functions. {@code trainSteps} is the global step training ends at (a resumed job stops at
 * the same step). The model tree belongs to one estimator: build the spec again for another.
 */
public record Job(Module model, ModelFn modelFn, RunConfig run, Optimizer optimizer, LearningRate learningRate,
                  GradientTransform transform, int microBatches, BatchStatistics batchStatistics, InputFn train,
                  long trainSteps, Optional<InputFn> eval, long evalSteps, long evalEverySteps) {

    /** An estimator builder with every setting of the spec; add listeners or a device before build(). */
    public Builder builder() {
        return Estimator.builder(model, modelFn, run).optimizer(optimizer).learningRate(learningRate)
                .gradientTransform(transform).microBatches(microBatches).batchStatistics(batchStatistics);
    }

    /** The estimator of this job, with these listeners, on the spec's device (opened by name). */
    public Estimator estimator(List<Listener> listeners) {
        Builder b = builder();
        listeners.forEach(b::listener);
        return b.build();
    }

    /**
     * Trains to {@code trainSteps}, evaluating every {@code evalEverySteps} when the spec has eval data;
     * returns the last evaluation's metrics (empty without eval data).
     */
    public Map<String, Double> run(Estimator estimator) {
        if (eval.isPresent()) {
            return estimator.trainAndEvaluate(train, trainSteps, eval.get(), evalSteps, evalEverySteps);
        }
        estimator.trainUntil(train, trainSteps);
        return Map.of();
    }

    /** The same job with another run configuration (a CLI flag overriding the model directory or device). */
    public Job withRun(RunConfig r) {
        return new Job(model, modelFn, r, optimizer, learningRate, transform, microBatches, batchStatistics, train,
                trainSteps, eval, evalSteps, evalEverySteps);
    }
}
