package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.testing.ExternalProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kustomize (kubectl kustomize, v5) builds every overlay of deploy/k8s into valid manifests, and
 * {@code lockstep k8s render} builds exactly the same objects from the same tree; a user's overlay with the
 * prometheus Component and a name prefix renames the pods' subdomain with the Service.
 */
class KustomizeRenderTest {
    @TempDir
    Path dir;

    static Map<String, Map<String, Object>> byKindAndName(List<Map<String, Object>> docs) {
        Map<String, Map<String, Object>> out = new TreeMap<>();
        for (Map<String, Object> d : docs) {
            out.put(d.get("kind") + "/" + Yamls.at(d, "metadata").get("name"), d);
        }
        return out;
    }

    private String kustomize(Path kustomization, String... more) throws Exception {
        String[] cmd = new String[3 + more.length];
        cmd[0] = DeployTools.kubectl().toString();
        cmd[1] = "kustomize";
        System.arraycopy(more, 0, cmd, 2, more.length);
        cmd[cmd.length - 1] = kustomization.toString();
        ExternalProcess.Result r = DeployTools.run(Duration.ofSeconds(60), cmd);
        assertEquals(0, r.exitCode(), r.stderr());
        return r.stdout();
    }

    @Test
    void kustomizeAndLockstepK8sRenderBuildTheSameObjectsForEveryVariant() throws Exception {
        String spec = Files.readString(DeployTools.DEPLOY.resolve("k8s/common/job.yaml"));
        String[][] variants = {{"overlays/cpu", "cpu", "job"}, {"overlays/gpu", "gpu", "job"},
                {"overlays/tpu", "tpu", "job"}, {"jobset", "cpu", "jobset"}};
        for (String[] v : variants) {
            String built = kustomize(DeployTools.DEPLOY.resolve("k8s").resolve(v[0]));
            Path file = dir.resolve(v[0].replace('/', '-') + ".yaml");
            Files.writeString(file, built);
            ExternalProcess.Result valid = DeployTools.validate(file);
            assertEquals(0, valid.exitCode(), v[0] + ": " + valid.stdout() + valid.stderr());
            List<Map<String, Object>> rendered = K8sManifests.render(new K8sManifests.Request(K8sManifests.BASE, 2,
                    K8sManifests.Overlay.valueOf(v[1]), v[2].equals("jobset"), false, spec, Optional.empty(),
                    Optional.empty(), "10Gi", Optional.empty()));
            assertEquals(byKindAndName(K8sRenderCommandTest.documents(built)), byKindAndName(rendered),
                    v[0] + ": kustomize and lockstep k8s render differ");
        }
    }

    @Test
    void aUsersOverlayWithThePrometheusComponentAndANamePrefixKeepsDnsNamesConsistent() throws Exception {
        Path overlay = dir.resolve("mine");
        Files.createDirectories(overlay);
        Path k8s = DeployTools.DEPLOY.resolve("k8s");
        Files.writeString(overlay.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                namePrefix: exp1-
                resources:
                  - %s
                components:
                  - %s
                """.formatted(overlay.relativize(k8s.resolve("overlays/gpu")),
                        overlay.relativize(k8s.resolve("components/prometheus"))));
        String built = kustomize(overlay, "--load-restrictor=LoadRestrictionsNone");
        Map<String, Map<String, Object>> objects = byKindAndName(K8sRenderCommandTest.documents(built));
        assertTrue(objects.containsKey("PodMonitor/exp1-lockstep") && objects.containsKey("PrometheusRule/exp1-lockstep"),
                objects.keySet().toString());
        Map<String, Object> job = objects.get("Job/exp1-lockstep");
        assertEquals("exp1-lockstep", Yamls.at(job, "spec/template/spec").get("subdomain"),
                "the pods' subdomain follows the Service's name");
        assertTrue(objects.containsKey("Service/exp1-lockstep"), objects.keySet().toString());
        Path file = dir.resolve("mine.yaml");
        Files.writeString(file, built);
        ExternalProcess.Result valid = DeployTools.validate(file);
        assertEquals(0, valid.exitCode(), valid.stdout() + valid.stderr());
    }
}
