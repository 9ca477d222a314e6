package dev.lockstep.cli;

import dev.lockstep.estimator.Estimator;
import dev.lockstep.estimator.StagedFiles;
import dev.lockstep.estimator.job.Job;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lockstep predict JOB.yaml --output FILE}: predictions of the newest checkpoint on the eval data. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Write predictions of the newest valid checkpoint for the job's eval data, one row per example.")
final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JobOptions options;

    @Option(names = "--allow-untrained", description = "Run on freshly initialised weights when the model directory "
            + "has no valid checkpoint (otherwise that is an error, exit code 2).")
    boolean allowUntrained;

    @Option(names = {"-o", "--output"}, required = true,
            description = "Output file; .csv writes CSV, .jsonl or .json writes JSON Lines.")
    Path output;

    @Override
    public Integer call() throws Exception {
        String name = output.getFileName().toString();
        PredictionWriter.Format format = name.endsWith(".csv") ? PredictionWriter.Format.CSV
                : name.endsWith(".jsonl") || name.endsWith(".json") ? PredictionWriter.Format.JSONL : null;
        if (format == null) {
            throw new UsageProblem("--output " + output + ": use a .csv, .jsonl or .json file name");
        }
        Job job = options.load();
        var input = job.eval().orElseThrow(() -> new UsageProblem("the job has no eval data to predict on: add an "
                + "'eval' section"));
        try (Estimator e = job.builder().allowUntrained(allowUntrained).build()) {
            var predictions = e.predict(input);
            long[] rows = new long[1];
            Files.createDirectories(output.toAbsolutePath().getParent()); // as export creates its --dir
            // A failure while writing (a full disk) leaves a previous output as it was and no .tmp behind.
            try (StagedFiles files = new StagedFiles()) {
                files.write(output, tmp -> {
                    try (Writer w = Files.newBufferedWriter(tmp)) {
                        rows[0] = PredictionWriter.write(predictions, format, w);
                    }
                });
                files.commit();
            }
            spec.commandLine().getOut().printf("wrote %d predictions of step %d to %s%n", rows[0], e.globalStep(),
                    output);
        }
        return Lockstep.OK;
    }
}
