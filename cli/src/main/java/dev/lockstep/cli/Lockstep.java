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
@Command(name = "lockstep", mixinStandardHelpOptions = true, version = "lockstep " + Lockstep.VERSION,
        description = "Synchronous-SGD training on the JVM.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, ExportCommand.class,
                InspectCommand.class, ValidateCommand.class, LocalCommand.class, CoordinatorCommand.class,
                WorkerCommand.class, SubmitCommand.class, StatusCommand.class, LogsCommand.class, CancelCommand.class,
                ListCommand.class, K8sCommand.class, AutoComplete.GenerateCompletion.class})
public final class Lockstep {
    /** The version workers report when they register; the coordinator accepts only its own. */
    public static final String VERSION = "0.1.0";
    public static final int OK = 0;
    public static final int RUNTIME_FAILURE = 1;
    public static final int USAGE = 2;

    public static void main(String[] args) {
        PrintWriter stderr = new PrintWriter(System.err, true);
        // a failure on a data or metrics thread would otherwise print a bare stack trace
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> Failures.report(stderr, "thread " + t.getName(), e));
        System.exit(run(new PrintWriter(System.out, true), stderr, args));
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
            if (e instanceof CoordinatorProblem) {
                err.println("lockstep: " + commandLine.getCommandName() + ": " + e.getMessage());
                return RUNTIME_FAILURE;
            }
            return Failures.report(err, commandLine.getCommandName(), e);
        });
        try {
            return cli.execute(args);
        } catch (Throwable e) { // an Error (OutOfMemoryError) that picocli lets through: still one line
            return Failures.report(err, "lockstep", e);
        }
    }

    /** Problems in what the user supplied (bad arguments, files or specs) exit with 2, not 1. */
    static boolean isUsageProblem(Exception e) {
        return e instanceof UsageProblem || e instanceof SpecException
                || e instanceof dev.lockstep.estimator.checkpoint.ModelDirProblem;
    }
}
