package dev.lockstep.cli;

import dev.lockstep.device.Devices;
import dev.lockstep.estimator.RunConfig;
import dev.lockstep.estimator.job.Job;
import dev.lockstep.estimator.job.JobBuilder;
import dev.lockstep.job.JobSpec;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The job spec argument and the flags that override its run settings. */
final class JobOptions {
    @Parameters(index = "0", paramLabel = "JOB.yaml", description = "The job spec (YAML).")
    Path job;

    @Option(names = "--device", description = "Override the spec's device (cpu, cuda, xla-cpu, "
            + "pjrt:/path/to/plugin.so[:N], tpu[:N], gpu[:N]).")
    String device;

    @Option(names = "--model-dir", description = "Override the spec's checkpoint directory.")
    Path modelDir;

    /** Loads and builds the job; spec problems surface as SpecException (exit code 2). */
    Job load() {
        Job job = JobBuilder.build(JobSpec.load(job()));
        RunConfig run = job.run();
        if (device != null) {
            run = run.withDevice(device);
        }
        String from = device != null ? " (from --device)" : " (from the spec's 'device')";
        String problem = problem(run.device());
        if (problem == null) {
            throw new UsageProblem("device '" + run.device() + "' is not available here; available: "
                    + Devices.available() + from);
        }
        if (!problem.isEmpty()) {
            throw new UsageProblem("device '" + run.device() + "' cannot be used here: " + problem + from
                    + "; available: " + Devices.available());
        }
        if (modelDir != null) {
            run = run.withModelDir(modelDir);
        }
        return job.withRun(run);
    }

    /**
     * Probes only the named device ("" when it can open, null when no provider knows the name): probing every
     * provider loaded TensorFlow's native library (and printed its oneDNN notice on stderr) for jobs that run
     * on {@code cpu}.
     */
    static String problem(String name) {
        return Devices.provider(name).map(p -> p.problem(name)).orElse(null);
    }

    private Path job() {
        if (!java.nio.file.Files.isRegularFile(job)) {
            throw new UsageProblem("JOB.yaml " + job + " does not exist or is not a file");
        }
        return job;
    }
}
