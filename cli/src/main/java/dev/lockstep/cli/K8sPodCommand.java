package dev.lockstep.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lockstep k8s pod --index $(JOB_COMPLETION_INDEX) ...}: the one command every pod of the Indexed Job
 * runs (its pods share one template). Index 0 becomes {@code lockstep coordinator --job}, index i
 * {@code lockstep worker --rank i-1}; the command line it runs is printed first, so the pod's log shows it.
 */
@Command(name = "pod", mixinStandardHelpOptions = true,
        description = {"Run this pod's part of a Kubernetes Indexed Job: index 0 the coordinator (it serves the job "
                + "and exits with its outcome), index i the worker of rank i-1. The manifests of `lockstep k8s "
                + "render` run it; arguments after -- go to the coordinator or worker command.",
                "Exit codes: those of `lockstep coordinator` (index 0) or `lockstep worker`; 2 a bad flag."})
final class K8sPodCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--index", required = true, paramLabel = "I", description = "This pod's completion index "
            + "($(JOB_COMPLETION_INDEX)).")
    String index;

    @Option(names = "--workers", required = true, paramLabel = "N", description = "The job's number of workers "
            + "(the Job has N + 1 pods).")
    String workers;

    @Option(names = "--coordinator", required = true, paramLabel = "HOST:PORT",
            description = "Where index 0 serves: JOB-0.SERVICE:PORT.")
    String coordinator;

    @Option(names = "--host", required = true, paramLabel = "ADDR", description = "This pod's IP ($(POD_IP)): "
            + "the address a worker's peers reach it at.")
    String host;

    @Option(names = "--job", required = true, paramLabel = "JOB.yaml", description = "The job spec (the ConfigMap's file).")
    Path job;

    @Option(names = "--state-dir", required = true, paramLabel = "DIR",
            description = "The coordinator's state, on the shared volume (a replaced coordinator continues from it).")
    Path stateDir;

    @Option(names = "--model-dir", required = true, paramLabel = "DIR",
            description = "The job's checkpoints, on the shared volume every pod mounts.")
    Path modelDir;

    @Option(names = "--bind", defaultValue = "0.0.0.0", paramLabel = "ADDR", description = "Where the coordinator, "
            + "metrics and health servers listen (default ${DEFAULT-VALUE}: every interface of the pod).")
    String bind;

    @Option(names = "--device", defaultValue = "", description = "The workers' device (empty: the spec's).")
    String device;

    @Option(names = "--port", defaultValue = "7070", description = "The coordinator's port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--metrics-port", defaultValue = "9464", description = "Prometheus metrics, on every interface "
            + "(default ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--health-port", defaultValue = "7072", description = "The gRPC health service for the probes, "
            + "on every interface (default ${DEFAULT-VALUE}).")
    int healthPort;

    @Option(names = "--join-timeout", defaultValue = "600", paramLabel = "SECONDS", description = "How long a worker "
            + "waits for the coordinator to take it (default ${DEFAULT-VALUE}: the coordinator's pod may start later).")
    long joinTimeout;

    @Parameters(paramLabel = "ARGS", arity = "0..*", description = "More flags for the coordinator or worker command "
            + "(after --).")
    List<String> extra = new ArrayList<>();

    @Override
    public Integer call() {
        int i = number("--index", index, "the pod's completion index (0, 1, ...); Kubernetes sets "
                + "JOB_COMPLETION_INDEX only in the pods of an Indexed Job");
        int n = number("--workers", workers, "the job's number of workers");
        if (n < 1) {
            throw new UsageProblem("--workers: expected a positive number of workers, got " + n);
        }
        if (i > n) {
            throw new UsageProblem("--index " + i + ": a job of " + n + " workers has indexes 0 (the coordinator) to "
                    + n + "; the Job's completions must be --workers + 1");
        }
        List<String> argv = i == 0 ? coordinatorArgs(n) : workerArgs(i - 1);
        argv.addAll(extra);
        PrintWriter out = spec.commandLine().getOut();
        out.println("index " + i + " of " + (n + 1) + ": lockstep " + String.join(" ", argv));
        out.flush();
        return Lockstep.run(out, spec.commandLine().getErr(), argv.toArray(String[]::new));
    }

    private List<String> coordinatorArgs(int n) {
        return new ArrayList<>(List.of("coordinator", "--host=" + bind, "--port=" + port, "--state-dir=" + stateDir,
                "--job=" + job, "--workers=" + n, "--model-dir=" + modelDir, "--metrics-port=" + metricsPort,
                "--health-port=" + healthPort, "--health-host=" + bind));
    }

    private List<String> workerArgs(int rank) {
        return new ArrayList<>(List.of("worker", "--coordinator=" + coordinator, "--rank=" + rank, "--host=" + host,
                "--device=" + device, "--join-timeout=" + joinTimeout, "--metrics-port=" + metricsPort,
                "--metrics-host=" + bind, "--health-port=" + healthPort, "--health-host=" + bind));
    }

    private static int number(String flag, String value, String what) {
        try {
            int v = Integer.parseInt(value.strip());
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new UsageProblem(flag + " '" + value + "': expected " + what);
    }
}
