package dev.lockstep.cli;

import dev.lockstep.job.JobSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lockstep k8s render --workers N --overlay gpu JOB.yaml}: ready-to-apply manifests on stdout. */
@Command(name = "render", mixinStandardHelpOptions = true,
        description = {"Print the Kubernetes manifests of a job: its spec in a ConfigMap, a volume for checkpoints, "
                + "a headless Service and an Indexed Job of workers + 1 pods (or a JobSet), all named after the job.",
                "  lockstep k8s render --workers 4 --overlay gpu --image REGISTRY/lockstep:0.1.0-cuda job.yaml "
                        + "| kubectl apply -f -",
                "Exit codes: 0 printed, 2 a bad flag or spec."})
final class K8sRenderCommand implements Callable<Integer> {
    /** Pod host names are NAME-INDEX (NAME-workers-0-INDEX in a JobSet) and must stay within 63 characters. */
    static final int MAX_NAME = 40;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOB.yaml", description = "The job spec; the ConfigMap carries it verbatim.")
    Path job;

    @Option(names = "--workers", paramLabel = "N", description = "Worker pods (default: the spec's distributed.workers).")
    Integer workers;

    @Option(names = "--overlay", defaultValue = "cpu", paramLabel = "cpu|gpu|tpu",
            description = "Node pool: cpu, gpu (nvidia.com/gpu, the cuda image) or tpu (google.com/tpu, the xla image); "
                    + "default ${DEFAULT-VALUE}.")
    String overlay;

    @Option(names = "--jobset", description = "A JobSet (jobset.x-k8s.io/v1alpha2) instead of an Indexed Job.")
    boolean jobSet;

    @Option(names = "--prometheus", description = "Add a PodMonitor and the alerting rules (Prometheus Operator).")
    boolean prometheus;

    @Option(names = "--name", description = "Name of the Job and its objects (default: from the spec's file name).")
    String name;

    @Option(names = "--namespace", description = "Namespace of every object (default: kubectl's).")
    String namespace;

    @Option(names = "--image", description = "The image (default: the overlay's, lockstep:0.1.0-cpu|cuda|xla).")
    String image;

    @Option(names = "--storage", defaultValue = "10Gi", description = "Size of the checkpoint volume (default ${DEFAULT-VALUE}).")
    String storage;

    @Option(names = "--storage-class", description = "Storage class of the checkpoint volume (a ReadWriteMany one; "
            + "default: the cluster's).")
    String storageClass;

    @Override
    public Integer call() {
        K8sManifests.Overlay o = overlay();
        if (!Files.isRegularFile(job)) {
            throw new UsageProblem("JOB.yaml " + job + " does not exist or is not a file");
        }
        JobSpec parsed = JobSpec.load(job);
        int n = workers != null ? workers : parsed.distributed().workers();
        if (n < 1) {
            throw new UsageProblem("--workers: expected a positive number of workers, got " + n);
        }
        if (parsed.train().batchSize() % n != 0) {
            throw new UsageProblem("--workers " + n + ": train.batch_size " + parsed.train().batchSize()
                    + " of " + job + " is not a multiple of it (every worker takes an equal slice of each batch)");
        }
        String jobName = name != null ? checkedName(name) : K8sManifests.nameFor(job.getFileName().toString());
        checkQuantity(storage);
        if (namespace != null) {
            checkedLabel("--namespace", namespace, 63);
        }
        String text;
        try {
            text = Files.readString(job);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + job + ": " + e.getMessage(), e);
        }
        warnRelativePaths(text, spec.commandLine().getErr());
        PrintWriter out = spec.commandLine().getOut();
        out.print(Yamls.dump(K8sManifests.render(new K8sManifests.Request(jobName, n, o, jobSet, prometheus, text,
                Optional.ofNullable(image), Optional.ofNullable(namespace), storage, Optional.ofNullable(storageClass)))));
        out.flush();
        return Lockstep.OK;
    }

    private K8sManifests.Overlay overlay() {
        try {
            return K8sManifests.Overlay.valueOf(overlay);
        } catch (IllegalArgumentException e) {
            throw new UsageProblem("--overlay " + overlay + ": expected cpu, gpu or tpu");
        }
    }

    private static String checkedName(String n) {
        checkedLabel("--name", n, MAX_NAME);
        if (!Character.isLetter(n.charAt(0))) {
            throw new UsageProblem("--name " + n + ": must start with a letter (it is a DNS label)");
        }
        return n;
    }

    private static void checkedLabel(String flag, String v, int max) {
        if (!v.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") || v.length() > max) {
            throw new UsageProblem(flag + " " + v + ": expected a DNS label: lower-case letters, digits and '-', "
                    + "starting and ending with a letter or digit, at most " + max + " characters");
        }
    }

    private static void checkQuantity(String q) {
        if (!q.matches("[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?")) {
            throw new UsageProblem("--storage " + q + ": expected a Kubernetes quantity such as 10Gi or 500Mi");
        }
    }

    /**
     * In the pod, relative paths resolve against the ConfigMap's read-only mount, where no data is: a spec
     * whose meaning changes with its directory gets a warning (checkpoints.dir is replaced by --model-dir).
     */
    private void warnRelativePaths(String text, PrintWriter err) {
        JobSpec here = ServedJob.withCheckpointDir(JobSpec.parse(text, Path.of("/a")), Path.of("/c"));
        JobSpec there = ServedJob.withCheckpointDir(JobSpec.parse(text, Path.of("/b")), Path.of("/c"));
        if (!here.canonicalJson().equals(there.canonicalJson())) {
            err.printf(Locale.ROOT, "lockstep: warning: %s has relative paths (data files, a jar): in the pod they "
                    + "resolve against /etc/lockstep/job, the spec's read-only ConfigMap; give them as absolute paths "
                    + "on a volume the pods mount%n", job);
            err.flush();
        }
    }
}
