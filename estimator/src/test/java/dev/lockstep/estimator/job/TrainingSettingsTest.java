package dev.lockstep.estimator.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lockstep.estimator.Head;
import dev.lockstep.job.JobSpec;
import dev.lockstep.nn.GradientTransform;
import dev.lockstep.nn.LearningRate;
import dev.lockstep.nn.Optimizer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Optimizers, schedules, transforms, heads and run settings of a spec land in the nn/estimator objects. */
class TrainingSettingsTest {
    static JobSpec with(String extra) {
        return JobSpec.parse(Traces.GOOD + extra, Path.of("/work"));
    }

    @Test
    void everyOptimizerWithEveryKey() {
        Map<String, Optimizer> cases = Map.of(
                "sgd: {}", new Optimizer.Sgd(),
                "momentum: {momentum: 0.8, nesterov: true}", new Optimizer.Momentum(0.8, true),
                "adam: {beta1: 0.8, beta2: 0.99, epsilon: 1e-8, weight_decay: 0.01}", new Optimizer.Adam(0.8, 0.99, 1e-8, 0.01),
                "lamb: {beta1: 0.8, beta2: 0.99, epsilon: 1e-8, weight_decay: 0.01}", new Optimizer.Lamb(0.8, 0.99, 1e-8, 0.01),
                "rmsprop: {rho: 0.5, epsilon: 0.001}", new Optimizer.RmsProp(0.5, 0.001),
                "adagrad: {initial_accumulator: 0.5, epsilon: 0.001}", new Optimizer.Adagrad(0.5, 0.001),
                "lars: {momentum: 0.5, eta: 0.01, weight_decay: 0.001, epsilon: 1.0e-6}", new Optimizer.Lars(0.5, 0.01, 0.001, 1e-6));
        cases.forEach((yaml, expected) -> assertEquals(expected,
                Training.optimizer(with("optimizer: {" + yaml + "}\n").optimizer()), yaml));
        assertEquals(Optimizer.Adam.standard(), Training.optimizer(with("").optimizer()), "default");
    }

    @Test
    void everyScheduleWithEveryKey() {
        Map<String, LearningRate> cases = Map.of(
                "constant: {value: 0.5}", new LearningRate.Constant(0.5),
                "step_decay: {initial: 0.1, factor: 0.5, every: 10}", new LearningRate.StepDecay(0.1, 0.5, 10),
                "exponential: {initial: 0.1, rate: 0.9, decay_steps: 100}", new LearningRate.Exponential(0.1, 0.9, 100),
                "cosine: {initial: 0.1, decay_steps: 100, alpha: 0.1}", new LearningRate.Cosine(0.1, 100, 0.1),
                "warmup: {steps: 5, after: {warmup: {steps: 2, after: {constant: {value: 0.2}}}}}",
                new LearningRate.Warmup(5, new LearningRate.Warmup(2, new LearningRate.Constant(0.2))));
        cases.forEach((yaml, expected) -> assertEquals(expected,
                Training.schedule(with("schedule: {" + yaml + "}\n").schedule()), yaml));
        assertEquals(new LearningRate.Constant(0.001), Training.schedule(with("").schedule()), "default");
    }

    @Test
    void transformsInOrderAndMicroBatches() {
        JobSpec s = with("gradients: {micro_batches: 4, transforms: [{clip_value: 0.5}, {clip_norm: 2}, "
                + "{clip_global_norm: 1.0}, {scale: -2}]}\n");
        assertEquals(GradientTransform.chain(new GradientTransform.ClipByValue(0.5), new GradientTransform.ClipByNorm(2),
                new GradientTransform.ClipByGlobalNorm(1), new GradientTransform.Scale(-2)), Training.transform(s.transforms()));
        Job job = JobBuilder.build(s);
        assertEquals(4, job.microBatches());
        assertEquals(Training.transform(s.transforms()), job.transform());
    }

    @Test
    void headsWithTheirLabels() {
        String base = Traces.GOOD.replace("head:\n  classification: {classes: 3}\n", "");
        JobSpec c = JobSpec.parse(base + "head: {classification: {classes: 3, top_k: 2, label: label}}\n", Path.of("/w"));
        assertEquals(new Head.Classification(3, 2), Training.head(c.head().orElseThrow()));
        JobSpec r = JobSpec.parse(base.replace("blobs: {count: 64, classes: 3, dim: 4}", "linear: {count: 64, dim: 4}")
                + "head: {regression: {}}\n", Path.of("/w"));
        assertEquals(new Head.Regression(), Training.head(r.head().orElseThrow()));
    }

    @Test
    void runSettingsReachTheRunConfig() {
        String yaml = Traces.GOOD.replace("checkpoints: {dir: runs/test}",
                "checkpoints: {dir: ../m, every_steps: 7, every_seconds: 0, keep: 2}\nseed: 9\ndevice: xla-cpu\n"
                        + "log_every_steps: 3\n"
                        + "eval: {data: {synthetic: {blobs: {count: 64, classes: 3, dim: 4}}}, batch_size: 16, steps: 2, "
                        + "every_steps: 3}");
        Job job = JobBuilder.build(JobSpec.parse(yaml, Path.of("/work/jobs")));
        assertEquals(new dev.lockstep.estimator.RunConfig(Path.of("/work/m"), 9, "xla-cpu", 7, Duration.ZERO, 2, 3),
                job.run());
        assertEquals(List.of(5L, 2L, 3L), List.of(job.trainSteps(), job.evalSteps(), job.evalEverySteps()));
    }
}
