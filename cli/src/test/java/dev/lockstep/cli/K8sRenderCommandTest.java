package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** {@code lockstep k8s render}: the manifests of a job, named after it, and the errors of bad flags. */
class K8sRenderCommandTest {
    static final String SPEC = """
            # a comment that the ConfigMap keeps
            model:
              layers:
                - dense: {name: logits, units: 3}
            head:
              classification: {classes: 3}
            train:
              data: {synthetic: {blobs: {count: 256, classes: 3, dim: 4}}}
              batch_size: 24
              steps: 10
            checkpoints: {dir: runs/x}
            distributed: {workers: 3}
            """;

    @TempDir
    Path dir;

    static List<Map<String, Object>> documents(String yaml) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object o : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
            if (o != null) {
                out.add(Yamls.map(o, "document"));
            }
        }
        return out;
    }

    static Map<String, Object> kind(List<Map<String, Object>> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.get("kind"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " in " + docs));
    }

    private Path spec(String name) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, SPEC);
        return p;
    }

    @Test
    void anIndexedJobOfWorkersPlusOnePodsNamedAfterTheSpecFile() throws Exception {
        CommandLineTest.Result r = CommandLineTest.run("k8s", "render", "--workers", "4", "--overlay", "gpu",
                "--namespace", "ml", spec("MNIST Run_2.yaml").toString());
        assertEquals(Lockstep.OK, r.code(), r.err());
        List<Map<String, Object>> docs = documents(r.out());
        assertEquals(List.of("ConfigMap", "PersistentVolumeClaim", "Service", "Job"),
                docs.stream().map(d -> d.get("kind")).toList());
        for (Map<String, Object> d : docs) {
            assertEquals("ml", Yamls.at(d, "metadata").get("namespace"), d.get("kind") + " namespace");
        }
        assertEquals(SPEC, Yamls.at(kind(docs, "ConfigMap"), "data").get("job.yaml"), "the spec, verbatim");
        assertEquals("mnist-run-2-spec", Yamls.at(kind(docs, "ConfigMap"), "metadata").get("name"));
        Map<String, Object> job = kind(docs, "Job");
        assertEquals("mnist-run-2", Yamls.at(job, "metadata").get("name"));
        Map<String, Object> spec = Yamls.at(job, "spec");
        assertEquals(5, spec.get("completions"));
        assertEquals(5, spec.get("parallelism"));
        assertEquals("Indexed", spec.get("completionMode"));
        Map<String, Object> pod = Yamls.at(spec, "template/spec");
        assertEquals("mnist-run-2", pod.get("subdomain"));
        assertEquals("mnist-run-2", Yamls.at(kind(docs, "Service"), "metadata").get("name"));
        assertEquals("mnist-run-2", Yamls.at(kind(docs, "Service"), "spec/selector").get(K8sManifests.INSTANCE));
        Map<String, Object> container = Yamls.named(pod.get("containers"), "lockstep", "containers");
        assertEquals("lockstep:0.1.0-cuda", container.get("image"));
        assertEquals("4", Yamls.named(container.get("env"), "LOCKSTEP_WORKERS", "env").get("value"));
        assertEquals("cuda", Yamls.named(container.get("env"), "LOCKSTEP_DEVICE", "env").get("value"));
        assertEquals("1", Yamls.at(container, "resources/limits").get("nvidia.com/gpu"));
        assertEquals("mnist-run-2-spec", Yamls.at(Yamls.named(pod.get("volumes"), "spec", "volumes"), "configMap")
                .get("name"));
        assertEquals("mnist-run-2-checkpoints", Yamls.at(Yamls.named(pod.get("volumes"), "data", "volumes"),
                "persistentVolumeClaim").get("claimName"));
        assertEquals("lockstep-tls", Yamls.at(Yamls.named(pod.get("volumes"), "tls", "volumes"), "secret")
                .get("secretName"), "TLS material comes from a Secret");
        assertTrue(Yamls.list(container.get("args"), "args").contains("--index=$(JOB_COMPLETION_INDEX)"));
    }

    @Test
    void aJobSetGetsTheOverlayOnItsWorkersAndTheCoordinatorsAddress() throws Exception {
        CommandLineTest.Result r = CommandLineTest.run("k8s", "render", "--jobset", "--overlay", "tpu", "--prometheus",
                "--name", "big", "--image", "reg.example/lockstep:7", spec("job.yaml").toString());
        assertEquals(Lockstep.OK, r.code(), r.err());
        List<Map<String, Object>> docs = documents(r.out());
        assertEquals(List.of("ConfigMap", "PersistentVolumeClaim", "JobSet", "PodMonitor", "PrometheusRule"),
                docs.stream().map(d -> d.get("kind")).toList());
        Map<String, Object> js = kind(docs, "JobSet");
        List<Object> jobs = Yamls.list(Yamls.at(js, "spec").get("replicatedJobs"), "replicatedJobs");
        Map<String, Object> workers = Yamls.at(Yamls.named(jobs, "workers", "jobs"), "template/spec");
        assertEquals(3, workers.get("completions"), "the spec's distributed.workers");
        Map<String, Object> worker = Yamls.named(Yamls.at(workers, "template/spec").get("containers"), "lockstep", "c");
        assertEquals("reg.example/lockstep:7", worker.get("image"));
        assertEquals("4", Yamls.at(worker, "resources/limits").get("google.com/tpu"));
        assertEquals("2x2", Yamls.at(workers, "template/spec/nodeSelector").get("cloud.google.com/gke-tpu-topology"));
        assertTrue(Yamls.list(worker.get("args"), "args").contains("--coordinator=big-coordinator-0-0.big:7070"),
                worker.get("args").toString());
        Map<String, Object> coordinator = Yamls.named(Yamls.at(Yamls.named(jobs, "coordinator", "jobs"),
                "template/spec/template/spec").get("containers"), "lockstep", "c");
        assertFalse(Yamls.at(coordinator, "resources/limits").containsKey("google.com/tpu"), "no TPU idles under it");
        assertEquals("3", Yamls.named(coordinator.get("env"), "LOCKSTEP_WORKERS", "env").get("value"));
        assertEquals("big", Yamls.at(js, "spec/network").get("subdomain"));
        assertEquals("big", Yamls.at(kind(docs, "PodMonitor"), "spec/selector/matchLabels").get(K8sManifests.INSTANCE));
    }

    @Test
    void badFlagsAndSpecsAreUsageErrorsNamingThem() throws Exception {
        Path spec = spec("job.yaml");
        assertUsage(CommandLineTest.run("k8s", "render", "--overlay", "fpga", spec.toString()),
                "--overlay fpga: expected cpu, gpu or tpu");
        assertUsage(CommandLineTest.run("k8s", "render", "--workers", "5", spec.toString()),
                "--workers 5: train.batch_size 24");
        assertUsage(CommandLineTest.run("k8s", "render", "--workers", "0", spec.toString()), "--workers");
        assertUsage(CommandLineTest.run("k8s", "render", "--name", "Big_Job", spec.toString()), "--name Big_Job");
        assertUsage(CommandLineTest.run("k8s", "render", "--storage", "lots", spec.toString()), "--storage lots");
        assertUsage(CommandLineTest.run("k8s", "render", dir.resolve("missing.yaml").toString()), "missing.yaml");
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, SPEC.replace("batch_size: 24", "batch_size: ten"));
        assertUsage(CommandLineTest.run("k8s", "render", bad.toString()), "train.batch_size");
        assertEquals(Lockstep.USAGE, CommandLineTest.run("k8s").code(), "a subcommand is required");
    }

    @Test
    void relativeDataPathsGetAWarningBecauseThePodHasNoSuchFiles() throws Exception {
        Path p = dir.resolve("csv.yaml");
        Files.writeString(p, SPEC.replace("{synthetic: {blobs: {count: 256, classes: 3, dim: 4}}}",
                "{csv: {files: data/rows.csv, columns: [{name: a, type: f32}, {name: b, type: f32}, {name: c, type: f32}, "
                        + "{name: d, type: f32}, {name: label, type: i32}], features: {x: [a, b, c, d]}}}"));
        CommandLineTest.Result r = CommandLineTest.run("k8s", "render", p.toString());
        assertEquals(Lockstep.OK, r.code(), r.err());
        assertTrue(r.err().contains("has relative paths"), r.err());
        assertFalse(CommandLineTest.run("k8s", "render", spec("abs.yaml").toString()).err().contains("relative"),
                "only checkpoints.dir is relative there, and --model-dir replaces it");
    }

    @Test
    void namesComeFromTheFileNameAsDnsLabels() {
        assertEquals("quickstart", K8sManifests.nameFor("quickstart.yaml"));
        assertEquals("mnist-cnn-v2", K8sManifests.nameFor("MNIST_cnn.v2.yml"));
        assertEquals("job-2024-run", K8sManifests.nameFor("2024 run.yaml"));
        assertEquals("job", K8sManifests.nameFor("___.yaml"));
        String longName = K8sManifests.nameFor("a".repeat(39) + "-b-c.yaml");
        assertTrue(longName.length() <= K8sRenderCommand.MAX_NAME && !longName.endsWith("-"), longName);
    }

    private static void assertUsage(CommandLineTest.Result r, String expected) {
        assertEquals(Lockstep.USAGE, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(expected), "expected '" + expected + "' in: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }
}
