package dev.lockstep.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code lockstep list --coordinator HOST:PORT}. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the coordinator's jobs in submission order: id, state, workers, step and reason.",
        footer = {"", "Exit codes: 0 listed; 1 the coordinator could not be reached."})
final class ListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CoordinatorOption coordinator;

    @Override
    public Integer call() {
        try (CoordinatorClient client = coordinator.connect(spec.commandLine().getErr())) {
            JobTable.list(spec.commandLine().getOut(), client.list());
            return Lockstep.OK;
        }
    }
}
