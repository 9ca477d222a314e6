package dev.lockstep.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad specs: every problem names its field path, what was expected and what was found, with a suggestion. */
class SpecErrorsTest {
    static final String GOOD = SpecFixtures.GOOD;

    static List<String> problems(String yaml) {
        SpecException e = assertThrows(SpecException.class, () -> JobSpec.parse(yaml, Path.of("/tmp")));
        for (String p : e.problems()) {
            assertTrue(e.getMessage().contains(p), "the message lists every problem: " + e.getMessage());
        }
        return e.problems();
    }

    static void assertHas(List<String> problems, String expected) {
        assertTrue(problems.contains(expected), "expected problem <" + expected + "> among " + problems);
    }

    @Test
    void goodSpecParses() {
        JobSpec spec = JobSpec.parse(GOOD, Path.of("/tmp"));
        ModelSpec.Layers layers = (ModelSpec.Layers) spec.model();
        assertEquals("x", layers.input(), "the only non-label feature of blobs");
        assertEquals(List.of("dense_0", "dense_1"), layers.layers().stream().map(LayerSpec::name).toList());
        assertEquals(Path.of("/tmp/runs/test"), spec.checkpoints().dir());
        assertEquals("label", spec.head().orElseThrow().label());
    }

    @Test
    void wrongScalarNamesPathExpectedAndActual() {
        List<String> p = problems(GOOD.replace("- dense: {units: 3}", "- dense: {units: ten}"));
        assertEquals(List.of("model.layers[1].dense.units: expected a positive integer, got \"ten\""), p);
    }

    @Test
    void thirdLayerPathCountsFromZero() {
        String yaml = GOOD.replace("- dense: {units: 3}", "- dropout: {rate: 0.1}\n    - dense: {units: -3}");
        assertHas(problems(yaml), "model.layers[2].dense.units: expected a positive integer, got -3");
    }

    @Test
    void unknownKeySuggestsClosest() {
        List<String> p = problems(GOOD.replace("units: 16", "unit: 16"));
        assertHas(p, "model.layers[0].dense.unit: unknown key; did you mean 'units'?");
        assertHas(p, "model.layers[0].dense.units: required (a positive integer)");
    }

    @Test
    void unknownTopLevelKeyAndFarKeyListsValidKeys() {
        List<String> p = problems(GOOD + "sed: 1\nzzz: 1\n");
        assertEquals(List.of("sed: unknown key; did you mean 'seed'?", "zzz: unknown key; valid keys: model, head, "
                + "optimizer, schedule, regularization, gradients, train, eval, checkpoints, seed, device, "
                + "log_every_steps, distributed, pjrt"), p);
    }

    @Test
    void unknownLayerTypeSuggestsClosest() {
        assertHas(problems(GOOD.replace("- dense: {units: 3}", "- dence: {units: 3}")),
                "model.layers[1].dence: unknown layer; did you mean 'dense'?");
        assertHas(problems(GOOD.replace("- dense: {units: 3}", "- flaten")),
                "model.layers[1]: unknown layer \"flaten\"; did you mean 'flatten'?");
    }

    @Test
    void l2RegularizerNamesBothL2ConventionsNotL1() {
        String both = "unknown regularizer; L2 has two conventions, so name one: 'l2_sum_of_squares' (adds lambda * "
                + "sum(w^2), Keras' l2) or 'l2_half_sum_of_squares' (adds lambda / 2 * sum(w^2), tf.nn.l2_loss)";
        List<String> p = problems(GOOD + "regularization: {kernels: {l2: 0.01}}\n");
        assertEquals(List.of("regularization.kernels.l2: " + both), p);
        assertHas(problems(GOOD.replace("- dense: {units: 3}", "- dense: {units: 3, bias_regularizer: {L2: 0.1}}")),
                "model.layers[1].dense.bias_regularizer.L2: " + both);
        assertHas(problems(GOOD + "regularization: {kernels: l2}\n"), "regularization.kernels: unknown regularizer \"l2\""
                + both.substring("unknown regularizer".length()));
        // Other near misses still get the closest name.
        assertHas(problems(GOOD + "regularization: {kernels: {l11: 0.01}}\n"),
                "regularization.kernels.l11: unknown regularizer; did you mean 'l1'?");
    }

    @Test
    void badEnumValueSuggests() {
        assertHas(problems(GOOD.replace("activation: relu", "activation: rellu")),
                "model.layers[0].dense.activation: expected one of linear, relu, tanh, sigmoid, gelu, softmax, "
                        + "log_softmax, softplus, elu, got \"rellu\" (did you mean 'relu'?)");
    }

    @Test
    void severalProblemsAreCollected() {
        String yaml = GOOD.replace("units: 16", "units: 0").replace("batch_size: 8", "batch_size: many")
                .replace("classes: 3}\ntrain", "classes: 3, top_k: 9}\ntrain");
        List<String> p = problems(yaml);
        assertHas(p, "model.layers[0].dense.units: expected a positive integer, got 0");
        assertHas(p, "train.batch_size: expected a positive integer, got \"many\"");
        assertHas(p, "head.classification.top_k: expected at most classes (3), got 9");
        assertEquals(3, p.size(), p.toString());
    }

    @Test
    void deepDataFieldPath() {
        String yaml = GOOD.replace("synthetic:\n      blobs: {count: 64, classes: 3, dim: 4}",
                "csv:\n      files: x.csv\n      columns: [{name: x, type: f32}, {name: label, type: int32}]");
        assertHas(problems(yaml), "train.data.csv.columns[1].type: expected one of f32, f64, bf16, f16, i32, i64, bool, "
                + "got \"int32\" (did you mean 'i32'?)");
    }

    @Test
    void stepsAndEpochsAreExclusiveAndRequired() {
        assertHas(problems(GOOD.replace("steps: 5", "steps: 5\n  epochs: 2")), "train: give exactly one of steps and epochs");
        assertHas(problems(GOOD.replace("  steps: 5\n", "")), "train: give exactly one of steps and epochs");
    }

    @Test
    void missingSectionsAreNamed() {
        List<String> p = problems("seed: 1\n");
        assertHas(p, "model: required (layers, graph or class)");
        assertHas(p, "train: required (data, batch_size, steps or epochs)");
        assertHas(p, "checkpoints.dir: required (the model directory; training resumes from the checkpoints in it)");
    }

    @Test
    void labelMustComeFromTheData() {
        assertHas(problems(GOOD.replace("classification: {classes: 3}", "classification: {classes: 3, label: lable}")),
                "head.classification.label: label 'lable' is not produced by train.data; did you mean 'label'?");
    }

    @Test
    void evalDataMustFeedTheModelToo() {
        String yaml = GOOD + "eval: {data: {synthetic: {linear: {count: 8, dim: 4}}}}\n";
        List<String> p = problems(yaml);
        assertHas(p, "head.classification.label: label 'label' is not produced by eval.data; it produces: x, y");
        assertEquals(1, p.size(), "x, the default input taken from train.data, is in eval.data too: " + p);
        assertHas(problems(yaml.replace("linear: {count: 8, dim: 4}", "sequence_copy: {count: 8, length: 2, vocabulary: 5}")),
                "model.input: feature 'x' is not produced by eval.data; it produces: source, target_in, target_out");
    }

    @Test
    void duplicateLayerNamesAndDefaultNameClash() {
        assertHas(problems(GOOD.replace("- dense: {units: 3}", "- dense: {units: 3, name: dense_0}")),
                "model.layers[1]: duplicate layer name 'dense_0'; give the layer a unique name");
    }

    @Test
    void yamlSyntaxAndDuplicateKeys() {
        assertTrue(problems("model: [unclosed\n").getFirst().startsWith("not valid YAML:"));
        assertTrue(problems(GOOD + "seed: 1\nseed: 2\n").getFirst().contains("found duplicate key seed"));
        assertEquals(List.of("(top level): expected a mapping with keys model, head, optimizer, schedule, regularization, "
                + "gradients, train, eval, checkpoints, seed, device, log_every_steps, distributed, pjrt, got \"just text\""),
                problems("just text"));
    }

    @Test
    void choicesNeedExactlyOneKey() {
        assertHas(problems(GOOD + "optimizer: {adam: {}, sgd: {}}\n"), "optimizer: expected a mapping with exactly one of "
                + "sgd, momentum, adam, rmsprop, adagrad, lars, lamb, got a mapping {adam={}, sgd={}}");
        assertHas(problems(GOOD + "optimizer: {adam: {beta1: 1.5}}\n"),
                "optimizer.adam.beta1: expected a number in [0, 1), got 1.5");
        assertHas(problems(GOOD + "gradients: {transforms: [{clip_global_norm: -1}]}\n"),
                "gradients.transforms[0].clip_global_norm: expected a number > 0, got -1");
        assertHas(problems(GOOD + "schedule: {warmup: {steps: 10}}\n"),
                "schedule.warmup.after: required (the schedule that follows the warm-up)");
    }

    @Test
    void modelKindsAreExclusive() {
        assertHas(problems(GOOD.replace("model:\n", "model:\n  class: a.B\n")),
                "model: has layers and class; give exactly one of layers, graph or class");
    }

    @Test
    void suggestionDistanceIsBounded() {
        assertEquals("units", Suggest.closest("unit", List.of("units", "name")).orElseThrow());
        assertEquals("batch_size", Suggest.closest("batchsize", List.of("batch_size", "steps")).orElseThrow());
        assertTrue(Suggest.closest("foo", List.of("dim", "count")).isEmpty());
        assertEquals(3, Suggest.levenshtein("kitten", "sitting"));
    }

    @Test
    void distributedSettingsAreReadWithDefaults() {
        JobSpec.Distributed d = JobSpec.parse(GOOD + "distributed: {workers: 4, max_restarts: 2, "
                + "replica_check_every_steps: 10, bucket_bytes: 65536, batch_norm: local}\n", Path.of("/tmp")).distributed();
        assertEquals(JobSpec.Distributed.fixed(4, 2, 10, 65536, JobSpec.BatchNormPolicy.LOCAL), d);
        JobSpec.Distributed e = JobSpec.parse(GOOD + "distributed: {workers: {min: 2, max: 3}, rendezvous_seconds: 4, "
                + "below_min_seconds: 30}\n", Path.of("/tmp")).distributed();
        assertEquals(new JobSpec.Distributed(3, 2, true, 0, 100, 4L << 20, JobSpec.BatchNormPolicy.LOCAL, 4, 30), e);
        assertEquals(JobSpec.Distributed.SINGLE, JobSpec.parse(GOOD, Path.of("/tmp")).distributed());
        assertEquals(JobSpec.BatchNormPolicy.SYNC, JobSpec.parse(GOOD + "distributed: {batch_norm: sync}\n",
                Path.of("/tmp")).distributed().batchNorm());
    }

    @Test
    void aFixedWorldMustSplitTheBatchAndElasticBoundsAreChecked() {
        assertHas(problems(GOOD + "distributed: {workers: 3}\n"), "distributed.workers: 3 workers cannot split "
                + "train.batch_size 8 evenly (each takes an equal slice of every global batch); use a batch size "
                + "that is a multiple of 3, or workers: {min, max} (a batch that does not divide is then trained in "
                + "micro-batches)");
        assertEquals(3, JobSpec.parse(GOOD + "distributed: {workers: {min: 2, max: 3}}\n", Path.of("/tmp"))
                .distributed().workers(), "an elastic world need not divide the batch (it trains in micro-batches)");
        assertHas(problems(GOOD + "distributed: {workers: {min: 4, max: 2}}\n"), "distributed.workers: min 4 is more "
                + "than max 2");
        assertHas(problems(GOOD + "distributed: {workers: {min: 2, max: 9}}\n"), "distributed.workers: max 9 workers "
                + "cannot share train.batch_size 8 (each needs at least one example of every global batch)");
        assertHas(problems(GOOD + "distributed: {workers: {min: 2, max: 3}, batch_norm: sync}\n"),
                "distributed.batch_norm: 'sync' needs train.batch_size 8 to divide over every world size the job may "
                + "have (workers {min: 2, max: 3}), but 3 workers do not divide it: every worker must normalise the same "
                + "number of micro-batches per step");
        assertHas(problems(GOOD + "distributed: {workers: {min: 2}}\n"), "distributed.workers.max: required (a "
                + "positive integer)");
        assertHas(problems(GOOD + "distributed: {batch_norm: lcoal}\n"), "distributed.batch_norm: expected one of "
                + "local, sync, got \"lcoal\" (did you mean 'local'?)");
        assertHas(problems(GOOD + "distributed: {workers: 0}\n"), "distributed.workers: expected a positive integer, got 0");
    }
}
