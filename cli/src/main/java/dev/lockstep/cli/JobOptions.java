package dev.lockstep.cli;

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

    @Option(names = "--device", description = "Override the spec's device (cpu, cuda, xla-cpu).")
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
        var available = dev.lockstep.device.Devices.available();
        if (!available.contains(run.device())) {
            throw new UsageProblem("device '" + run.device() + "' is not available here; available: " + available
                    + (device != null ? " (from --device)" : " (from the spec's 'device')"));
        }
        if (modelDir != null) {
            run = new RunConfig(modelDir, run.seed(), run.device(), run.checkpointEverySteps(), run.checkpointEvery(),
                    run.keepCheckpoints(), run.logEverySteps());
        }
        return job.withRun(run);
    }

    private Path job() {
        if (!java.nio.file.Files.isRegularFile(job)) {
            throw new UsageProblem("JOB.yaml " + job + " does not exist or is not a file");
        }
        return job;
    }
}
