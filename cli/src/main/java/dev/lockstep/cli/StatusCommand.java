package dev.lockstep.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lockstep status --coordinator HOST:PORT [JOB]}. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show a job: its state and reason, committed and training steps, epoch and restarts, newest "
                + "checkpoint, rank 0's latest metrics and each worker's last step and step time. Without JOB, "
                + "list every job."},
        footer = {"", "Exit codes: 0 shown; 1 no such job or the coordinator could not be reached."})
final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CoordinatorOption coordinator;

    @Parameters(index = "0", arity = "0..1", paramLabel = "JOB", description = "The job id.")
    String job;

    @Override
    public Integer call() {
        try (CoordinatorClient client = coordinator.connect(spec.commandLine().getErr())) {
            if (job == null) {
                JobTable.list(spec.commandLine().getOut(), client.list());
            } else {
                JobTable.status(spec.commandLine().getOut(), client.status(job));
            }
            return Lockstep.OK;
        }
    }
}
