package dev.lockstep.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Optimizers, schedules, transforms, heads and run settings land in the job records, every key read. */
class TrainingSettingsTest {
    static JobSpec with(String extra) {
        return JobSpec.parse(SpecErrorsTest.GOOD + extra, Path.of("/work"));
    }

    @Test
    void everyOptimizerWithEveryKey() {
        Map<String, OptimizerSpec> cases = Map.of(
                "sgd: {}", new OptimizerSpec.Sgd(),
                "momentum: {momentum: 0.8, nesterov: true}", new OptimizerSpec.Momentum(0.8, true),
                "adam: {beta1: 0.8, beta2: 0.99, epsilon: 1e-8, weight_decay: 0.01}", new OptimizerSpec.Adam(0.8, 0.99, 1e-8, 0.01),
                "lamb: {beta1: 0.8, beta2: 0.99, epsilon: 1e-8, weight_decay: 0.01}", new OptimizerSpec.Lamb(0.8, 0.99, 1e-8, 0.01),
                "rmsprop: {rho: 0.5, epsilon: 0.001}", new OptimizerSpec.RmsProp(0.5, 0.001),
                "adagrad: {initial_accumulator: 0.5, epsilon: 0.001}", new OptimizerSpec.Adagrad(0.5, 0.001),
                "lars: {momentum: 0.5, eta: 0.01, weight_decay: 0.001, epsilon: 1.0e-6}",
                new OptimizerSpec.Lars(0.5, 0.01, 0.001, 1e-6));
        cases.forEach((yaml, expected) -> assertEquals(expected, with("optimizer: {" + yaml + "}\n").optimizer(), yaml));
        assertEquals(OptimizerSpec.Adam.standard(), with("").optimizer(), "default");
        assertEquals(new OptimizerSpec.Adam(0.9, 0.999, 1e-7, 0.0), OptimizerSpec.Adam.standard(), "Keras' defaults");
        assertEquals(new OptimizerSpec.Lamb(0.9, 0.999, 1e-6, 0.0), with("optimizer: {lamb: {}}\n").optimizer());
    }

    @Test
    void everyScheduleWithEveryKey() {
        Map<String, ScheduleSpec> cases = Map.of(
                "constant: {value: 0.5}", new ScheduleSpec.Constant(0.5),
                "step_decay: {initial: 0.1, factor: 0.5, every: 10}", new ScheduleSpec.StepDecay(0.1, 0.5, 10),
                "exponential: {initial: 0.1, rate: 0.9, decay_steps: 100}", new ScheduleSpec.Exponential(0.1, 0.9, 100),
                "cosine: {initial: 0.1, decay_steps: 100, alpha: 0.1}", new ScheduleSpec.Cosine(0.1, 100, 0.1),
                "warmup: {steps: 5, after: {warmup: {steps: 2, after: {constant: {value: 0.2}}}}}",
                new ScheduleSpec.Warmup(5, new ScheduleSpec.Warmup(2, new ScheduleSpec.Constant(0.2))));
        cases.forEach((yaml, expected) -> assertEquals(expected, with("schedule: {" + yaml + "}\n").schedule(), yaml));
        assertEquals(new ScheduleSpec.Constant(0.001), with("").schedule(), "default");
    }

    @Test
    void transformsInOrderAndMicroBatches() {
        JobSpec s = with("gradients: {micro_batches: 4, transforms: [{clip_value: 0.5}, {clip_norm: 2}, "
                + "{clip_global_norm: 1.0}, {scale: -2}]}\n");
        assertEquals(List.of(new TransformSpec.ClipValue(0.5), new TransformSpec.ClipNorm(2),
                new TransformSpec.ClipGlobalNorm(1), new TransformSpec.Scale(-2)), s.transforms());
        assertEquals(4, s.microBatches());
    }

    @Test
    void headsWithTheirLabels() {
        String base = SpecErrorsTest.GOOD.replace("head:\n  classification: {classes: 3}\n", "");
        JobSpec c = JobSpec.parse(base + "head: {classification: {classes: 3, top_k: 2, label: label}}\n", Path.of("/w"));
        assertEquals(new HeadSpec.Classification(3, 2, "label"), c.head().orElseThrow());
        assertEquals("head.classification.label", c.head().orElseThrow().labelPath());
        JobSpec r = JobSpec.parse(base.replace("blobs: {count: 64, classes: 3, dim: 4}", "linear: {count: 64, dim: 4}")
                + "head: {regression: {}}\n", Path.of("/w"));
        assertEquals("y", r.head().orElseThrow().label());
    }

    @Test
    void runSettingsAreResolved() {
        String yaml = SpecErrorsTest.GOOD.replace("checkpoints: {dir: runs/test}",
                "checkpoints: {dir: ../m, every_steps: 7, every_seconds: 0, keep: 2}\nseed: 9\ndevice: xla-cpu\n"
                        + "log_every_steps: 3\n"
                        + "eval: {data: {synthetic: {blobs: {count: 64, classes: 3, dim: 4}}}, batch_size: 16, steps: 2, "
                        + "every_steps: 3}");
        JobSpec s = JobSpec.parse(yaml, Path.of("/work/jobs"));
        assertEquals(new JobSpec.Checkpoints(Path.of("/work/m"), 7, 0, 2), s.checkpoints());
        assertEquals(List.of(9L, 3L), List.of(s.seed(), s.logEverySteps()));
        assertEquals("xla-cpu", s.device());
        JobSpec.Eval eval = s.eval().orElseThrow();
        assertEquals(List.of(16L, 2L, 3L), List.of((long) eval.batchSize(), eval.steps(), eval.everySteps().orElseThrow()));
        assertEquals(new DataSpec.Blobs(64, 3, 4, 1.0, 9, DataSpec.Split.WHOLE), eval.data(),
                "a synthetic source without a seed carries the job's");
        assertEquals(OptionalLong.of(5), s.train().steps());
    }

    @Test
    void unreadKeysAreAParserBugNotSilence() {
        Problems p = new Problems();
        Fields f = Fields.of(new org.yaml.snakeyaml.Yaml().load("{units: 3, name: a}"), "x", "dense", p);
        f.get("units", Kind.POSITIVE_INT);
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, p::checkAllRead);
        assertEquals("job spec parser bug: keys accepted but never read: [x.name]", e.getMessage());
    }
}
