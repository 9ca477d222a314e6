package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.testing.ExternalProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every variant {@code lockstep k8s render} prints validates against the real schemas: the Kubernetes
 * OpenAPI schemas, the Prometheus Operator CRDs and the JobSet API (deploy/tools/validate-manifests.mjs);
 * and the validator fails the deliberately broken fixtures, naming the field.
 */
class ManifestsTest {
    @TempDir
    Path dir;

    @Test
    void everyOverlayAsAJobAndAsAJobSetWithThePrometheusComponentIsValid() throws Exception {
        DeployTools.node();
        List<Path> files = new ArrayList<>();
        int objects = 0;
        for (String overlay : new String[] {"cpu", "gpu", "tpu"}) {
            for (boolean jobSet : new boolean[] {false, true}) {
                List<String> args = new ArrayList<>(List.of("k8s", "render", "--overlay", overlay, "--prometheus",
                        "--workers", "2", DeployTools.DEPLOY.resolve("k8s/common/job.yaml").toString()));
                if (jobSet) {
                    args.add("--jobset");
                }
                CommandLineTest.Result r = CommandLineTest.run(args.toArray(String[]::new));
                assertEquals(Lockstep.OK, r.code(), r.err());
                Path f = dir.resolve(overlay + (jobSet ? "-jobset" : "") + ".yaml");
                Files.writeString(f, r.out());
                files.add(f);
                objects += K8sRenderCommandTest.documents(r.out()).size();
            }
        }
        ExternalProcess.Result v = DeployTools.validate(files.toArray(Path[]::new));
        assertEquals(0, v.exitCode(), v.stdout() + v.stderr());
        assertTrue(v.stdout().contains(objects + " of " + objects + " objects valid"), v.stdout());
    }

    @Test
    void theBrokenFixturesFailNamingTheField() throws Exception {
        DeployTools.node();
        Path fixtures = Path.of("src/test/resources/k8s-broken").toAbsolutePath();
        assertInvalid(fixtures.resolve("job-wrong-type.yaml"), "data/spec/completions must be integer");
        assertInvalid(fixtures.resolve("job-missing-required.yaml"),
                "data/spec/template/spec/containers/0 must have required property name");
        assertInvalid(fixtures.resolve("jobset-broken.yaml"), "data/spec/successPolicy must have required property 'operator'",
                "data/spec/startupPolicy/startupPolicyOrder must be equal to one of the allowed values",
                "data/spec/replicatedJobs/0/template/spec/template/spec/containers/0/readinessProbe/grpc/port must be integer");
        assertInvalid(fixtures.resolve("podmonitor-wrong-type.yaml"), "data/spec/podMetricsEndpoints/0/port must be string");
    }

    @Test
    void anObjectOfAnUnknownKindIsNotWaivedThrough() throws Exception {
        DeployTools.node();
        Path f = dir.resolve("unknown.yaml");
        Files.writeString(f, "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n");
        assertInvalid(f, "no schema for apiVersion example.com/v1, kind Widget");
    }

    private static void assertInvalid(Path file, String... problems) throws Exception {
        ExternalProcess.Result v = DeployTools.validate(file);
        assertEquals(1, v.exitCode(), v.stdout() + v.stderr());
        for (String p : problems) {
            assertTrue(v.stdout().contains(p), "expected '" + p + "' in: " + v.stdout());
        }
    }
}
