package dev.lockstep.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lockstep logs --coordinator HOST:PORT JOB [-f]}: the job's event log, with times. */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = {"Print a job's log: the coordinator's events (registrations, ring, progress, restarts, the "
                + "end) and workers' lines, each with its time. The coordinator keeps the newest 10,000 events."},
        footer = {"", "Exit codes: 0 printed (with -f: the job succeeded); 1 no such job, the coordinator could "
                + "not be reached, or (with -f) the job failed or was cancelled."})
final class LogsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CoordinatorOption coordinator;

    @Parameters(index = "0", paramLabel = "JOB", description = "The job id.")
    String job;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new events until the job ends.")
    boolean follow;

    @Override
    public Integer call() {
        try (CoordinatorClient client = coordinator.connect(spec.commandLine().getErr())) {
            JobFollower f = new JobFollower(client, spec.commandLine().getOut(), spec.commandLine().getErr());
            if (follow) {
                return f.follow(job, false, true);
            }
            f.printLog(job);
            return Lockstep.OK;
        }
    }
}
