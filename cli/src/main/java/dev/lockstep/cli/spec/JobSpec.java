package dev.lockstep.cli.spec;

import dev.lockstep.nn.GradientTransform;
import dev.lockstep.nn.LearningRate;
import dev.lockstep.nn.Optimizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A validated job spec (see docs/jobspec.schema.json): immutable, with every relative path already
 * resolved against the spec file's directory. {@link #build()} makes the model, the input pipelines and
 * the run configuration.
 *
 * @param head empty only for a {@link ModelSpec.JavaClass} model, whose model function computes the loss
 */
public record JobSpec(ModelSpec model, Optional<HeadSpec> head, Optimizer optimizer, LearningRate schedule,
                      GradientTransform transform, int microBatches, Train train, Optional<Eval> eval,
                      Checkpoints checkpoints, long seed, String device, long logEverySteps) {

    /** Training input and length: exactly one of {@code steps} and {@code epochs}. */
    public record Train(DataSpec data, int batchSize, OptionalLong steps, OptionalLong epochs, int shuffleBuffer,
                        int prefetch) {}

    /** Evaluation input: {@code steps} batches (0: the whole input) every {@code everySteps} training steps. */
    public record Eval(DataSpec data, int batchSize, long steps, OptionalLong everySteps) {}

    /** Where and how often checkpoints are written; 0 turns a cadence off. */
    public record Checkpoints(Path dir, long everySteps, long everySeconds, int keep) {}

    /** Reads and validates the spec at {@code file}; relative paths in it are relative to its directory. */
    public static JobSpec load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read job spec " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        Path dir = file.toAbsolutePath().getParent();
        return JobParser.parse(text, dir, file.toString());
    }

    /** Parses spec text; relative paths are resolved against {@code baseDir}. */
    public static JobSpec parse(String yaml, Path baseDir) {
        return JobParser.parse(yaml, baseDir.toAbsolutePath(), "(text)");
    }

    /** Builds the model, pipelines and run configuration; data sources are opened here. */
    public Job build() {
        return JobBuilder.build(this);
    }
}
