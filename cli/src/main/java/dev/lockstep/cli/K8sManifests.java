package dev.lockstep.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The manifests of one job, built from the kustomize tree in deploy/k8s (packaged with the CLI) exactly as
 * kustomize builds an overlay (cli's KustomizeRenderTest compares the two), then renamed after the job:
 * Job (or JobSet) and headless Service {@code NAME}, ConfigMap {@code NAME-spec} holding the spec,
 * PersistentVolumeClaim {@code NAME-checkpoints}, label {@code app.kubernetes.io/instance: NAME}, and
 * {@code workers + 1} completions. Only the kustomize features the tree uses are read (resources, images,
 * patches); an overlay that uses others is refused rather than rendered differently.
 */
final class K8sManifests {
    /** The name every object has in deploy/k8s; {@link #render} replaces it. */
    static final String BASE = "lockstep";
    static final String INSTANCE = "app.kubernetes.io/instance";
    private static final Set<String> OVERLAY_KEYS = Set.of("apiVersion", "kind", "resources", "images", "patches");

    enum Overlay { cpu, gpu, tpu }

    /**
     * What to render.
     *
     * @param specText the job spec, as the ConfigMap carries it (the user's file, verbatim)
     * @param image the image instead of the overlay's
     */
    record Request(String name, int workers, Overlay overlay, boolean jobSet, boolean prometheus, String specText,
                   Optional<String> image, Optional<String> namespace, String storage, Optional<String> storageClass) {}

    private K8sManifests() {}

    static List<Map<String, Object>> render(Request r) {
        Map<String, Object> kustomization = Yamls.resource("overlays/" + r.overlay() + "/kustomization.yaml");
        for (String key : kustomization.keySet()) {
            if (!OVERLAY_KEYS.contains(key)) {
                throw new IllegalStateException("deploy/k8s/overlays/" + r.overlay() + "/kustomization.yaml uses "
                        + key + ", which lockstep k8s render does not apply; render with kubectl kustomize instead");
            }
        }
        Map<String, Object> podPatch = new LinkedHashMap<>();
        for (Object p : Yamls.list(kustomization.getOrDefault("patches", List.of()), "patches")) {
            String path = (String) Yamls.map(p, "patches[]").get("path");
            Map<String, Object> patch = Yamls.resource("overlays/" + r.overlay() + "/" + path);
            podPatch = Yamls.map(Yamls.merge(podPatch, Yamls.at(patch, "spec/template")), path);
        }
        String image = r.image().orElseGet(() -> image(kustomization));
        List<Map<String, Object>> out = new ArrayList<>();
        out.add(configMap(r));
        out.add(pvc(r));
        if (r.jobSet()) {
            out.add(jobSet(r, podPatch));
        } else {
            Map<String, Object> svc = Yamls.resource("base/service.yaml");
            out.add(svc);
            out.add(indexedJob(r, podPatch));
        }
        if (r.prometheus()) {
            out.add(Yamls.resource("components/prometheus/podmonitor.yaml"));
            out.add(Yamls.resource("components/prometheus/prometheusrule.yaml"));
        }
        for (Map<String, Object> o : out) {
            podTemplates(o).forEach(t -> containers(t).forEach(c -> c.put("image", image)));
            rename(o, r);
        }
        return out;
    }

    /** The overlay's image for the base's {@code lockstep}, as kustomize's images transformer sets it. */
    private static String image(Map<String, Object> kustomization) {
        for (Object i : Yamls.list(kustomization.getOrDefault("images", List.of()), "images")) {
            Map<String, Object> m = Yamls.map(i, "images[]");
            if (BASE.equals(m.get("name"))) {
                return m.getOrDefault("newName", BASE) + (m.containsKey("newTag") ? ":" + m.get("newTag") : "");
            }
        }
        return BASE;
    }

    private static Map<String, Object> configMap(Request r) {
        Map<String, Object> cm = new LinkedHashMap<>();
        cm.put("apiVersion", "v1");
        cm.put("kind", "ConfigMap");
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", BASE);
        labels.put(INSTANCE, BASE);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("labels", labels);
        meta.put("name", BASE + "-spec");
        cm.put("metadata", meta);
        cm.put("data", new LinkedHashMap<>(Map.of("job.yaml", r.specText())));
        return cm;
    }

    private static Map<String, Object> pvc(Request r) {
        Map<String, Object> pvc = Yamls.resource("common/checkpoints-pvc.yaml");
        Map<String, Object> spec = Yamls.at(pvc, "spec");
        Yamls.at(spec, "resources/requests").put("storage", r.storage());
        r.storageClass().ifPresent(c -> spec.put("storageClassName", c));
        return pvc;
    }

    private static Map<String, Object> indexedJob(Request r, Map<String, Object> podPatch) {
        Map<String, Object> job = Yamls.resource("base/indexed-job.yaml");
        Map<String, Object> spec = Yamls.at(job, "spec");
        spec.put("completions", r.workers() + 1);
        spec.put("parallelism", r.workers() + 1);
        spec.put("template", Yamls.merge(spec.get("template"), podPatch));
        Map<String, Object> pod = Yamls.at(spec, "template/spec");
        pod.put("subdomain", r.name());
        setEnv(Yamls.named(pod.get("containers"), BASE, "containers"), "LOCKSTEP_WORKERS", Integer.toString(r.workers()));
        return job;
    }

    private static Map<String, Object> jobSet(Request r, Map<String, Object> podPatch) {
        Map<String, Object> js = Yamls.resource("jobset/jobset.yaml");
        Map<String, Object> spec = Yamls.at(js, "spec");
        Yamls.at(spec, "network").put("subdomain", r.name());
        Map<String, Object> coordinator = Yamls.at(Yamls.named(spec.get("replicatedJobs"), "coordinator",
                "replicatedJobs"), "template/spec");
        setEnv(Yamls.named(Yamls.at(coordinator, "template/spec").get("containers"), BASE, "containers"),
                "LOCKSTEP_WORKERS", Integer.toString(r.workers()));
        Map<String, Object> workers = Yamls.at(Yamls.named(spec.get("replicatedJobs"), "workers", "replicatedJobs"),
                "template/spec");
        workers.put("completions", r.workers());
        workers.put("parallelism", r.workers());
        workers.put("template", Yamls.merge(workers.get("template"), podPatch));
        Map<String, Object> worker = Yamls.named(Yamls.at(workers, "template/spec").get("containers"), BASE, "containers");
        List<Object> args = new ArrayList<>(Yamls.list(worker.get("args"), "args"));
        String from = "--coordinator=" + BASE + "-coordinator-0-0." + BASE + ":";
        args.replaceAll(a -> a instanceof String s && s.startsWith(from)
                ? "--coordinator=" + r.name() + "-coordinator-0-0." + r.name() + ":" + s.substring(from.length()) : a);
        worker.put("args", args);
        return js;
    }

    private static void setEnv(Map<String, Object> container, String name, String value) {
        Map<String, Object> env = Yamls.named(container.get("env"), name, "env");
        env.put("value", value);
    }

    /** Every pod template of a Job or JobSet (none of other kinds). */
    static List<Map<String, Object>> podTemplates(Map<String, Object> o) {
        return switch (String.valueOf(o.get("kind"))) {
            case "Job" -> List.of(Yamls.at(o, "spec/template"));
            case "JobSet" -> Yamls.list(Yamls.at(o, "spec").get("replicatedJobs"), "replicatedJobs").stream()
                    .map(rj -> Yamls.at(Yamls.map(rj, "replicatedJobs[]"), "template/spec/template")).toList();
            default -> List.of();
        };
    }

    static List<Map<String, Object>> containers(Map<String, Object> podTemplate) {
        return Yamls.list(Yamls.at(podTemplate, "spec").get("containers"), "containers").stream()
                .map(c -> Yamls.map(c, "containers[]")).toList();
    }

    /** Names after the job (objects, references to them, the instance label) and the namespace. */
    private static void rename(Map<String, Object> o, Request r) {
        Map<String, Object> meta = Yamls.at(o, "metadata");
        meta.put("name", renamed(String.valueOf(meta.get("name")), r.name()));
        r.namespace().ifPresent(ns -> meta.put("namespace", ns));
        replaceInstanceLabels(o, r.name());
        for (Map<String, Object> t : podTemplates(o)) {
            for (Object v : Yamls.list(Yamls.at(t, "spec").getOrDefault("volumes", List.of()), "volumes")) {
                Map<String, Object> volume = Yamls.map(v, "volumes[]");
                if (volume.get("configMap") instanceof Map<?, ?> cm) {
                    Yamls.map(cm, "configMap").put("name", renamed(String.valueOf(cm.get("name")), r.name()));
                }
                if (volume.get("persistentVolumeClaim") instanceof Map<?, ?> pvc) {
                    Yamls.map(pvc, "persistentVolumeClaim").put("claimName",
                            renamed(String.valueOf(pvc.get("claimName")), r.name()));
                }
            }
        }
    }

    /** {@code lockstep} becomes {@code name}, {@code lockstep-spec} {@code name-spec}; other names stay. */
    private static String renamed(String original, String name) {
        if (original.equals(BASE)) {
            return name;
        }
        for (String suffix : new String[] {"-spec", "-checkpoints"}) {
            if (original.equals(BASE + suffix)) {
                return name + suffix;
            }
        }
        return original;
    }

    @SuppressWarnings("unchecked")
    private static void replaceInstanceLabels(Object node, String name) {
        if (node instanceof Map<?, ?> m) {
            Map<String, Object> map = (Map<String, Object>) m;
            if (BASE.equals(map.get(INSTANCE))) {
                map.put(INSTANCE, name);
            }
            map.values().forEach(v -> replaceInstanceLabels(v, name));
        } else if (node instanceof List<?> l) {
            l.forEach(v -> replaceInstanceLabels(v, name));
        }
    }

    /**
     * A Kubernetes name for the job from its spec file's name: lower case, letters, digits and '-', starting
     * with a letter, at most {@link K8sRenderCommand#MAX_NAME} characters ("Quickstart v2.yaml" gives
     * "quickstart-v2").
     */
    static String nameFor(String fileName) {
        String stem = fileName.replaceFirst("\\.(ya?ml|json)$", "").toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9-]+", "-").replaceAll("-{2,}", "-").replaceAll("^-+|-+$", "");
        if (stem.isEmpty() || !Character.isLetter(stem.charAt(0))) {
            stem = stem.isEmpty() ? "job" : "job-" + stem;
        }
        if (stem.length() > K8sRenderCommand.MAX_NAME) {
            stem = stem.substring(0, K8sRenderCommand.MAX_NAME).replaceAll("-+$", "");
        }
        return stem;
    }
}
