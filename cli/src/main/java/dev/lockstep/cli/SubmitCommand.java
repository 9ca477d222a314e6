package dev.lockstep.cli;

import dev.lockstep.proto.v1.SubmitResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lockstep submit --coordinator HOST:PORT JOB.yaml}: hands a job to the coordinator and follows it. */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Submit a job spec to a coordinator, print the job id and follow the job until it ends.",
                "The coordinator validates the spec (relative paths resolve against the spec file's directory)."},
        footer = {"", "Exit codes: 0 the job succeeded (or was submitted, with --no-wait); 1 it failed or was "
                + "cancelled, or the coordinator could not be reached; 2 the spec or a flag is wrong.",
                "Ctrl-C stops following; the job keeps running (see `lockstep cancel`)."})
final class SubmitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CoordinatorOption coordinator;

    @Parameters(index = "0", paramLabel = "JOB.yaml", description = "The job spec (YAML).")
    Path file;

    @Option(names = "--workers", paramLabel = "N",
            description = "Number of workers (default: the spec's distributed.workers).")
    Integer workers;

    @Option(names = "--no-wait", description = "Print the job id and exit instead of following the job.")
    boolean noWait;

    @Option(names = "--job-token-file", paramLabel = "FILE", description = "The job's worker token: its workers "
            + "must present it (their --token-file). Default: the token this command presents.")
    Path jobTokenFile;

    @Option(names = "--job-token-env", paramLabel = "NAME", description = "The job's worker token, from this "
            + "environment variable.")
    String jobTokenEnv;

    @Override
    public Integer call() {
        if (workers != null && workers < 1) {
            throw new UsageProblem("--workers " + workers + ": expected 1 or more (leave it out for the spec's "
                    + "distributed.workers)");
        }
        if (!Files.isRegularFile(file)) {
            throw new UsageProblem("JOB.yaml " + file + " does not exist or is not a file");
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UsageProblem("JOB.yaml " + file + " cannot be read: " + e.getMessage());
        }
        Path baseDir = file.toAbsolutePath().getParent();
        // Only the digest leaves this process; the coordinator stores it and compares workers' tokens with it.
        String workerToken = TokenOptions.read(jobTokenFile, jobTokenEnv, "--job-token-file", "--job-token-env",
                spec.commandLine().getErr()).map(Secret::sha256).orElse("");
        try (CoordinatorClient client = coordinator.connect(spec.commandLine().getErr())) {
            SubmitResponse job = client.submit(text, baseDir, workers == null ? 0 : workers, workerToken);
            spec.commandLine().getOut().println(job.getJobId());
            spec.commandLine().getOut().flush();
            if (noWait) {
                return Lockstep.OK;
            }
            return client.follow(job.getJobId(), spec.commandLine().getOut(), spec.commandLine().getErr(),
                    System.console() != null);
        }
    }
}
