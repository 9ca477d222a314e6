package dev.lockstep.cli;

import dev.lockstep.proto.v1.JobStatus;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lockstep cancel --coordinator HOST:PORT JOB}. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancel a waiting or running job; its workers stop at their next heartbeat.",
        footer = {"", "Exit codes: 0 cancelled; 1 no such job, it has already ended, or the coordinator could not be reached."})
final class CancelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CoordinatorOption coordinator;

    @Parameters(index = "0", paramLabel = "JOB", description = "The job id (as submit printed it).")
    String job;

    @Override
    public Integer call() {
        try (CoordinatorClient client = coordinator.connect(spec.commandLine().getErr())) {
            JobStatus s = client.cancel(job);
            spec.commandLine().getOut().println(s.getJobId() + " " + s.getState());
            return Lockstep.OK;
        }
    }
}
