package dev.lockstep.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link JobSpec#canonicalJson()} and {@link JobSpec#hash()}: parsing the canonical text gives an equal spec;
 * the hash ignores how a spec is written (key order, style, defaults left out, relative paths) and changes
 * with every setting.
 */
class CanonicalFormTest {
    static final Path EXAMPLES = Path.of(System.getProperty("user.dir")).resolve("../examples").normalize();
    static final Path BASE = Path.of("/work/jobs");

    /** Specs of every model kind and data source, beside the examples. */
    static final Map<String, String> SPECS = specs();

    private static Map<String, String> specs() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("good", SpecErrorsTest.GOOD);
        m.put("graph", GraphSpecTest.SEQ2SEQ);
        m.put("initial state", RecurrentStateSpecTest.SPEC);
        m.put("class", """
                model: {class: com.example.MyModel, jar: lib/model.jar, labels: [label]}
                train: {data: {synthetic: {blobs: {count: 64, classes: 3, dim: 4, seed: 5}}}, batch_size: 8, epochs: 2}
                checkpoints: {dir: runs/java}
                """);
        m.put("csv", """
                model: {input: x, layers: [{conv1d: {filters: 2, kernel_size: 1, kernel_regularizer: {l1: 0.5}}},
                  flatten, {dense: {units: 2, bias_regularizer: {l2_half_sum_of_squares: 0.25}}}]}
                regularization: {kernels: {l2_sum_of_squares: 0.001}}
                head: {classification: {classes: 2}}
                train:
                  data: {csv: {files: [a.csv, "b/*.csv"], header: false, delimiter: ";",
                    columns: [{name: c, type: f32, index: 2}, {name: a, type: f32, index: 0}, {name: label, type: i32, index: 3}],
                    features: {x: [c, a]}}}
                  batch_size: 2
                  steps: 3
                optimizer: {lars: {}}
                schedule: {warmup: {steps: 5, after: {cosine: {initial: 0.1, decay_steps: 100}}}}
                gradients: {transforms: [{clip_global_norm: 1}, {scale: -0.5}]}
                checkpoints: {dir: /abs/runs}
                """);
        m.put("pjrt", SpecErrorsTest.GOOD + """
                device: tpu:3
                pjrt:
                  client_options: {visible_devices: [0, 3], memory_fraction: 0.75, preallocate: false,
                    allocator: bfc, num_nodes: 2}
                """);
        m.put("tfrecord and idx", """
                model: {input: image, layers: [flatten, {dense: {units: 10, name: logits}}]}
                head: {classification: {classes: 10, top_k: 3}}
                train:
                  data: {idx: {images: img.gz, labels: lbl.gz}}
                  batch_size: 2
                  steps: 3
                eval:
                  data: {tfrecord: {files: "part-*", skip_corrupt: true,
                    features: {label: {type: i64, shape: []}, image: {type: f32, shape: [28, 28, 1]}}}}
                  batch_size: 4
                checkpoints: {dir: runs}
                """);
        return m;
    }

    static List<JobSpec> all() throws IOException {
        List<JobSpec> out = new ArrayList<>();
        SPECS.values().forEach(y -> out.add(JobSpec.parse(y, BASE)));
        try (Stream<Path> s = Files.list(EXAMPLES)) {
            for (Path p : s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                out.add(JobSpec.load(p));
            }
        }
        return out;
    }

    @Test
    void parsingTheCanonicalFormGivesAnEqualSpecAndTheSameHash() throws IOException {
        List<JobSpec> specs = all();
        assertTrue(specs.size() >= 11, "the specs above and the examples: " + specs.size());
        for (JobSpec spec : specs) {
            String json = spec.canonicalJson();
            // The canonical text has only absolute paths, so the directory it is read in does not matter.
            JobSpec again = JobSpec.parse(json, Path.of("/elsewhere"));
            assertEquals(spec, again, json);
            assertEquals(json, again.canonicalJson());
            assertEquals(spec.hash(), again.hash());
            assertTrue(spec.hash().matches("sha256:[0-9a-f]{64}"), spec.hash());
        }
    }

    @Test
    void theCanonicalFormIsJsonWithSortedKeysAbsolutePathsAndEveryDefault() throws IOException {
        for (JobSpec spec : all()) {
            JsonNode tree = new ObjectMapper().readTree(spec.canonicalJson());
            assertSorted(tree, "");
        }
        String json = JobSpec.parse(SpecErrorsTest.GOOD, BASE).canonicalJson();
        for (String fragment : List.of("\"optimizer\": {\"adam\": {\"beta1\": 0.9, \"beta2\": 0.999, \"epsilon\": 1.0E-7, "
                        + "\"weight_decay\": 0.0}}", "\"schedule\": {\"constant\": {\"value\": 0.001}}",
                "\"gradients\": {\"micro_batches\": 1, \"transforms\": []}", "\"prefetch\": 2", "\"shuffle_buffer\": 0",
                "\"checkpoints\": {\"dir\": \"/work/jobs/runs/test\", \"every_seconds\": 600, \"every_steps\": 1000, \"keep\": 5}",
                "\"seed\": 1", "\"device\": \"cpu\"", "\"log_every_steps\": 100",
                "\"distributed\": {\"batch_norm\": \"local\", \"below_min_seconds\": 60, \"bucket_bytes\": 4194304, "
                        + "\"max_restarts\": 0, \"rendezvous_seconds\": 10, \"replica_check_every_steps\": 100, "
                        + "\"workers\": 1}", "\"input\": \"x\"",
                "{\"dense\": {\"activation\": \"linear\", \"name\": \"dense_1\", \"units\": 3, \"use_bias\": true}}",
                "\"blobs\": {\"classes\": 3, \"count\": 64, \"dim\": 4, \"seed\": 1, \"split\": [1, 0], \"spread\": 1.0}",
                "\"head\": {\"classification\": {\"classes\": 3, \"label\": \"label\", \"top_k\": 1}}")) {
            assertTrue(json.contains(fragment), fragment + " in " + json);
        }
    }

    private static void assertSorted(JsonNode n, String path) {
        if (n.isObject()) {
            List<String> names = new ArrayList<>();
            n.fieldNames().forEachRemaining(names::add);
            assertEquals(names.stream().sorted().toList(), names, "keys at " + path);
            n.properties().forEach(e -> assertSorted(e.getValue(), path + "." + e.getKey()));
        } else if (n.isArray()) {
            n.forEach(c -> assertSorted(c, path + "[]"));
        }
    }

    @Test
    void theHashIgnoresKeyOrderFormattingOmittedDefaultsAndRelativePaths() throws IOException {
        JobSpec quickstart = JobSpec.load(EXAMPLES.resolve("quickstart.yaml"));
        // The same job, written in flow style, keys in another order, every default spelled out, the checkpoint
        // directory absolute, and the kernel regularizer default (none) given as an explicit empty section.
        String rewritten = """
                {log_every_steps: 20, device: cpu, seed: 42,
                 checkpoints: {keep: 2, every_seconds: 600, every_steps: 100, dir: %s},
                 eval: {every_steps: 100, steps: 0, batch_size: 256,
                        data: {synthetic: {blobs: {split: [2, 1], seed: 42, spread: 1, dim: 8, classes: 4, count: 4096}}}},
                 train: {prefetch: 2, shuffle_buffer: 512, steps: 200, batch_size: 32,
                         data: {synthetic: {blobs: {split: [2, 0], dim: 8, count: 4096, classes: 4, spread: 1.0}}}},
                 gradients: {transforms: [], micro_batches: 1},
                 regularization: {},
                 schedule: {constant: {value: 1.0e-2}},
                 optimizer: {adam: {weight_decay: 0, epsilon: 1e-7, beta2: 0.999, beta1: 0.9}},
                 head: {classification: {label: label, top_k: 2, classes: 4}},
                 model: {input: x, layers: [
                   {dense: {use_bias: true, activation: relu, units: 32, name: hidden}},
                   {dense: {name: logits, units: 4, activation: linear}}]}}
                """.formatted(EXAMPLES.resolve("runs/quickstart"));
        JobSpec same = JobSpec.parse(rewritten, Path.of("/somewhere/else"));
        assertEquals(quickstart, same);
        assertEquals(quickstart.hash(), same.hash());
        // A default kernel regularizer is the same job as each layer naming it.
        String base = SpecErrorsTest.GOOD.replace("units: 3}", "units: 3, name: out}");
        JobSpec global = JobSpec.parse(base + "regularization: {kernels: {l1: 0.5}}\n", BASE);
        JobSpec perLayer = JobSpec.parse(base.replace("activation: relu}", "activation: relu, kernel_regularizer: {l1: 0.5}}")
                .replace("name: out}", "name: out, kernel_regularizer: {l1: 0.5}}"), BASE);
        assertEquals(global.hash(), perLayer.hash());
    }

    @Test
    void theHashChangesWhenAnySettingChanges() {
        String base = SpecErrorsTest.GOOD + """
                eval: {data: {synthetic: {blobs: {count: 64, classes: 3, dim: 4, split: [2, 1]}}}, batch_size: 8}
                optimizer: {momentum: {momentum: 0.9}}
                schedule: {step_decay: {initial: 0.1, factor: 0.5, every: 10}}
                gradients: {transforms: [{clip_value: 1.0}]}
                """;
        Map<String, String> seen = new HashMap<>();
        String baseHash = JobSpec.parse(base, BASE).hash();
        seen.put(baseHash, "(base)");
        for (String[] edit : editsList()) {
            String yaml = base.replace(edit[0], edit[1]);
            assertNotEquals(base, yaml, "edit " + edit[0] + " applies");
            String hash = JobSpec.parse(yaml, BASE).hash();
            String before = seen.put(hash, edit[1]);
            assertEquals(null, before, edit[1] + " has the same hash as " + before);
        }
        assertEquals(editsList().size() + 1, seen.size());
    }

    /**
     * Every number and boolean of the canonical form of specs of each kind, changed one at a time: each change
     * that still makes a valid spec gives a new hash, so no setting is left out of the hash.
     */
    @Test
    void everyNumberAndFlagOfTheCanonicalFormIsInTheHash() throws IOException {
        ObjectMapper json = new ObjectMapper();
        int changed = 0;
        for (String name : List.of("good", "graph", "csv", "tfrecord and idx", "class", "pjrt")) {
            JobSpec spec = JobSpec.parse(SPECS.get(name), BASE);
            JsonNode tree = json.readTree(spec.canonicalJson());
            List<List<Object>> leaves = new ArrayList<>();
            leaves(tree, new ArrayList<>(), leaves);
            Map<String, String> hashes = new HashMap<>();
            hashes.put(spec.hash(), "(unchanged)");
            for (List<Object> leaf : leaves) {
                JsonNode copy = tree.deepCopy();
                JsonNode parent = copy;
                for (Object step : leaf.subList(0, leaf.size() - 1)) {
                    parent = step instanceof String k ? parent.get(k) : parent.get((Integer) step);
                }
                Object last = leaf.getLast();
                JsonNode old = last instanceof String k ? parent.get(k) : parent.get((Integer) last);
                JsonNode changedValue = old.isBoolean() ? json.getNodeFactory().booleanNode(!old.asBoolean())
                        : old.isIntegralNumber() ? json.getNodeFactory().numberNode(old.asLong() + 1)
                        : json.getNodeFactory().numberNode(old.asDouble() == 0 ? 0.5 : old.asDouble() / 2);
                if (last instanceof String k) {
                    ((com.fasterxml.jackson.databind.node.ObjectNode) parent).set(k, changedValue);
                } else {
                    ((com.fasterxml.jackson.databind.node.ArrayNode) parent).set((Integer) last, changedValue);
                }
                JobSpec other;
                try {
                    other = JobSpec.parse(json.writeValueAsString(copy), BASE);
                } catch (SpecException e) {
                    continue; // e.g. a split index moved past its parts
                }
                String before = hashes.put(other.hash(), name + " " + leaf);
                assertEquals(null, before, name + " " + leaf + " changed nothing the hash sees");
                changed++;
            }
        }
        assertTrue(changed > 100, changed + " valid single changes");
    }

    /** The paths (keys and indexes) of every number and boolean under {@code n}. */
    private static void leaves(JsonNode n, List<Object> path, List<List<Object>> out) {
        if (n.isObject()) {
            n.properties().forEach(e -> {
                List<Object> p = new ArrayList<>(path);
                p.add(e.getKey());
                leaves(e.getValue(), p, out);
            });
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                List<Object> p = new ArrayList<>(path);
                p.add(i);
                leaves(n.get(i), p, out);
            }
        } else if (n.isNumber() || n.isBoolean()) {
            out.add(path);
        }
    }

    private static List<String[]> editsList() {
        return List.of(
                new String[] {"units: 16", "units: 17"},
                new String[] {"activation: relu", "activation: tanh"},
                new String[] {"- dense: {units: 3}", "- dense: {units: 3, use_bias: false}"},
                new String[] {"- dense: {units: 3}", "- dense: {units: 3, name: out}"},
                new String[] {"classification: {classes: 3}", "classification: {classes: 3, top_k: 2}"},
                new String[] {"classification: {classes: 3}", "classification: {classes: 4}"},
                new String[] {"blobs: {count: 64, classes: 3, dim: 4}\n", "blobs: {count: 65, classes: 3, dim: 4}\n"},
                new String[] {"blobs: {count: 64, classes: 3, dim: 4}\n", "blobs: {count: 64, classes: 3, dim: 4, spread: 2}\n"},
                new String[] {"blobs: {count: 64, classes: 3, dim: 4}\n", "blobs: {count: 64, classes: 3, dim: 4, seed: 2}\n"},
                new String[] {"split: [2, 1]", "split: [2, 0]"},
                new String[] {"batch_size: 8\n", "batch_size: 4\n"},
                new String[] {"batch_size: 8\n", "batch_size: 8\n  shuffle_buffer: 16\n"},
                new String[] {"batch_size: 8\n", "batch_size: 8\n  prefetch: 0\n"},
                new String[] {"steps: 5", "steps: 6"},
                new String[] {"steps: 5", "epochs: 5"},
                new String[] {"runs/test", "runs/other"},
                new String[] {"batch_size: 8}", "batch_size: 8, every_steps: 2}"},
                new String[] {"batch_size: 8}", "batch_size: 8, steps: 1}"},
                new String[] {"momentum: 0.9}", "momentum: 0.8}"},
                new String[] {"momentum: 0.9}", "momentum: 0.9, nesterov: true}"},
                new String[] {"every: 10", "every: 11"},
                new String[] {"clip_value: 1.0", "clip_norm: 1.0"},
                new String[] {"clip_value: 1.0", "clip_value: 2.0"},
                new String[] {"[{clip_value: 1.0}]", "[{clip_value: 1.0}], micro_batches: 2"},
                new String[] {"checkpoints: {dir: runs/test}", "checkpoints: {dir: runs/test, keep: 4}"},
                new String[] {"checkpoints: {dir: runs/test}", "checkpoints: {dir: runs/test, every_steps: 4}"},
                new String[] {"checkpoints: {dir: runs/test}", "checkpoints: {dir: runs/test, every_seconds: 4}"},
                new String[] {"checkpoints: {dir: runs/test}", "checkpoints: {dir: runs/test}\nseed: 2"},
                new String[] {"checkpoints: {dir: runs/test}", "checkpoints: {dir: runs/test}\ndevice: xla-cpu"},
                new String[] {"checkpoints: {dir: runs/test}", "checkpoints: {dir: runs/test}\nlog_every_steps: 7"},
                new String[] {"checkpoints: {dir: runs/test}", "checkpoints: {dir: runs/test}\ndistributed: {workers: 2}"},
                new String[] {"checkpoints: {dir: runs/test}",
                        "checkpoints: {dir: runs/test}\ndistributed: {max_restarts: 1}"},
                new String[] {"checkpoints: {dir: runs/test}",
                        "checkpoints: {dir: runs/test}\ndistributed: {replica_check_every_steps: 5}"},
                new String[] {"checkpoints: {dir: runs/test}",
                        "checkpoints: {dir: runs/test}\ndistributed: {bucket_bytes: 1024}"},
                new String[] {"checkpoints: {dir: runs/test}",
                        "checkpoints: {dir: runs/test}\ndistributed: {batch_norm: sync}"},
                new String[] {"checkpoints: {dir: runs/test}",
                        "checkpoints: {dir: runs/test}\ndistributed: {workers: {min: 2, max: 2}}"},
                new String[] {"checkpoints: {dir: runs/test}",
                        "checkpoints: {dir: runs/test}\ndistributed: {workers: {min: 1, max: 2}}"},
                new String[] {"checkpoints: {dir: runs/test}",
                        "checkpoints: {dir: runs/test}\ndistributed: {rendezvous_seconds: 3}"},
                new String[] {"checkpoints: {dir: runs/test}",
                        "checkpoints: {dir: runs/test}\ndistributed: {below_min_seconds: 3}"},
                new String[] {"checkpoints: {dir: runs/test}",
                        "checkpoints: {dir: runs/test}\nregularization: {kernels: {l2_sum_of_squares: 0.1}}"},
                new String[] {"checkpoints: {dir: runs/test}",
                        "checkpoints: {dir: runs/test}\nregularization: {kernels: {l2_half_sum_of_squares: 0.1}}"});
    }
}
