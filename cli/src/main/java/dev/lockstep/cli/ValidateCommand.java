package dev.lockstep.cli;

import dev.lockstep.estimator.job.Job;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code lockstep validate JOB.yaml}: parses and builds the spec, reporting every problem with its field path. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a job spec: every problem is reported with its field path; exit code 2 if any.")
final class ValidateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JobOptions options;

    @Override
    public Integer call() {
        Job job = options.load();
        spec.commandLine().getOut().printf(Locale.ROOT, "%s: ok (device %s, %d training steps, model dir %s%s)%n", options.job,
                job.run().device(), job.trainSteps(), job.run().modelDir(),
                job.eval().isPresent() ? ", with eval data" : "");
        return Lockstep.OK;
    }
}
