package dev.lockstep.cli;

import dev.lockstep.job.SpecException;
import java.io.PrintWriter;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code lockstep} command. Exit codes: 0 success, 2 usage or job-spec error, 1 runtime failure.
 * Flags, the environment and job specs are read here and nowhere below (DESIGN.md).
 */
@Command(name = "lockstep", mixinStandardHelpOptions = true, version = "lockstep 0.1.0",
        description = "Synchronous-SGD training on the JVM.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, ExportCommand.class,
                InspectCommand.class, ValidateCommand.class, AutoComplete.GenerateCompletion.class})
public final class Lockstep {
    public static final int OK = 0;
    public static final int RUNTIME_FAILURE = 1;
    public static final int USAGE = 2;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command line with these streams (tests call this instead of {@link #main}). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Lockstep());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            if (isUsageProblem(e)) {
                err.println("lockstep: " + e.getMessage());
                return USAGE;
            }
            err.println("lockstep: " + commandLine.getCommandName() + " failed: " + e);
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                err.println("  caused by: " + c);
            }
            return RUNTIME_FAILURE;
        });
        return cli.execute(args);
    }

    /** Problems in what the user supplied (bad arguments, files or specs) exit with 2, not 1. */
    static boolean isUsageProblem(Exception e) {
        return e instanceof UsageProblem || e instanceof SpecException
                || e instanceof dev.lockstep.estimator.checkpoint.ModelDirProblem;
    }
}
