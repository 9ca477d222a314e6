package dev.lockstep.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A validated job spec (see docs/jobspec.schema.json) as plain immutable data: every default filled in
 * and every relative path resolved against the spec file's directory. It holds no model, device or
 * dataset objects, so it can be validated, stored and sent without them; dev.lockstep.estimator.job
 * builds the model, the input pipelines and the run configuration from it.
 *
 * @param head empty only for a {@link ModelSpec.JavaClass} model, whose model function computes the loss
 * @param transforms gradient transforms, applied in this order before the optimizer
 */
public record JobSpec(ModelSpec model, Optional<HeadSpec> head, OptimizerSpec optimizer, ScheduleSpec schedule,
                      List<TransformSpec> transforms, int microBatches, Train train, Optional<Eval> eval,
                      Checkpoints checkpoints, long seed, String device, long logEverySteps,
                      Distributed distributed, Pjrt pjrt) {
    public JobSpec {
        transforms = List.copyOf(transforms);
    }

    /** Training input and length: exactly one of {@code steps} and {@code epochs}. */
    public record Train(DataSpec data, int batchSize, OptionalLong steps, OptionalLong epochs, int shuffleBuffer,
                        int prefetch) {}

    /** Evaluation input: {@code steps} batches (0: the whole input) every {@code everySteps} training steps. */
    public record Eval(DataSpec data, int batchSize, long steps, OptionalLong everySteps) {}

    /** Where and how often checkpoints are written; 0 turns a cadence off. */
    public record Checkpoints(Path dir, long everySteps, long everySeconds, int keep) {}

    /**
     * How the job trains across workers. {@code workers} is the world size the job starts with: a fixed
     * number, or with {@code elastic} membership the most workers it takes, going on with as few as
     * {@code minWorkers} (a worker that dies is dropped and the survivors continue from memory; one that
     * joins is taken in). An elastic job waits up to {@code rendezvousSeconds} after its minimum has
     * registered for the rest, and below its minimum up to {@code belowMinSeconds} before it fails.
     * {@code maxRestarts} is how often a job whose worker died restarts every worker from the newest
     * checkpoint; every {@code replicaCheckEverySteps} steps (0: never) the replicas compare checksums of
     * every tensor; the all-reduce fuses gradients into buckets of at most {@code bucketBytes};
     * {@code batchNorm} is the batch-normalization policy across replicas.
     */
    public record Distributed(int workers, int minWorkers, boolean elastic, int maxRestarts,
                              long replicaCheckEverySteps, long bucketBytes, BatchNormPolicy batchNorm,
                              long rendezvousSeconds, long belowMinSeconds) {
        public static final Distributed SINGLE = new Distributed(1, 1, false, 0, 100, 4L << 20, BatchNormPolicy.LOCAL,
                10, 60);

        public Distributed {
            if (minWorkers < 1 || minWorkers > workers) {
                throw new IllegalArgumentException("minWorkers must be in [1, " + workers + "], got " + minWorkers);
            }
            if (!elastic && minWorkers != workers) {
                throw new IllegalArgumentException("a fixed world of " + workers + " has no minimum of its own");
            }
        }

        /** A fixed world of {@code n} workers with these settings. */
        public static Distributed fixed(int n, int maxRestarts, long replicaCheckEverySteps, long bucketBytes,
                                        BatchNormPolicy batchNorm) {
            return new Distributed(n, n, false, maxRestarts, replicaCheckEverySteps, bucketBytes, batchNorm,
                    SINGLE.rendezvousSeconds(), SINGLE.belowMinSeconds());
        }
    }

    /**
     * Settings for PJRT devices ({@code pjrt:PATH}, {@code tpu}, {@code gpu}): {@code clientOptions} are the
     * named values handed to the plugin's client when it is created, each a {@link String}, {@link Long},
     * {@link Double}, {@link Boolean} or {@code List<Long>}, sorted by name. Other devices ignore them.
     */
    public record Pjrt(Map<String, Object> clientOptions) {
        public static final Pjrt NONE = new Pjrt(Map.of());

        public Pjrt {
            clientOptions = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(clientOptions));
        }
    }

    /**
     * {@code local}: each replica normalises with its own batch statistics and the moving statistics are
     * averaged across replicas every step (TF MirroredStrategy's MEAN aggregation), so replicas stay
     * identical. {@code sync}: every replica normalises with the statistics of the whole global batch,
     * summed across replicas inside the forward pass (as one process would compute them).
     */
    public enum BatchNormPolicy { LOCAL, SYNC }

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

    /** Parses spec text (YAML, or JSON such as {@link #canonicalJson}); relative paths resolve against {@code baseDir}. */
    public static JobSpec parse(String yaml, Path baseDir) {
        return JobParser.parse(yaml, baseDir.toAbsolutePath(), "(text)");
    }

    /**
     * The spec in the spec language as one line of JSON: keys sorted, every default written out, paths
     * absolute, the kernel regularizer default moved into each layer. Two specs that mean the same job
     * have the same canonical form, and parsing it gives an equal spec.
     */
    public String canonicalJson() {
        return Canonical.json(this);
    }

    /** {@code sha256:} and the lower-case hex SHA-256 of {@link #canonicalJson()} in UTF-8. */
    public String hash() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonicalJson().getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
