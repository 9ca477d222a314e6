package dev.lockstep.cli;

import dev.lockstep.estimator.Estimator;
import dev.lockstep.estimator.job.Job;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lockstep evaluate JOB.yaml}: evaluates the newest checkpoint on the spec's eval data. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate the newest valid checkpoint on the job's eval data.")
final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JobOptions options;

    @Option(names = "--allow-untrained", description = "Run on freshly initialised weights when the model directory "
            + "has no valid checkpoint (otherwise that is an error, exit code 2).")
    boolean allowUntrained;

    @Override
    public Integer call() {
        Job job = options.load();
        var eval = job.eval().orElseThrow(() -> new UsageProblem("the job has no eval data: add an 'eval' section"));
        try (Estimator e = job.builder().allowUntrained(allowUntrained).build()) {
            var metrics = e.evaluate(eval, job.evalSteps());
            PrintWriter out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "evaluation of step %d:%n", e.globalStep());
            metrics.forEach((k, v) -> out.printf(Locale.ROOT, "  %s = %.6f%n", k, v));
        }
        return Lockstep.OK;
    }
}
