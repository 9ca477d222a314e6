package dev.lockstep.nn;

/**
 * What a program input or output is, so runners bind tensors by role and path instead of parsing
 * name prefixes. The roles of a training step's reduce payload are the ones {@link #reduced()}.
 */
public enum Role {
    /** A batch feature ({@code features/NAME} in the graph), path = feature name. */
    FEATURE,
    /** A batch label ({@code labels/NAME}), path = label name. */
    LABEL,
    /** The global step ({@link Scope#STEP}). */
    STEP,
    /** Global index of the first example of the batch ({@link Scope#EXAMPLE_OFFSET}), keys per-example randomness. */
    EXAMPLE_OFFSET,
    /** A trainable (or frozen) parameter, path = module path. */
    PARAMETER,
    /** A layer-state tensor (batch-norm moving statistics), path = module path. */
    STATE,
    /** An optimizer slot, path = its key {@code slot/<parameter path>/<slot>} in checkpoints. */
    SLOT,
    /** The sum of per-example losses over the examples seen. */
    LOSS_SUM,
    /** The summed gradient of the loss sum with respect to the parameter at path. */
    GRADIENT,
    /** The number of examples the sums cover (summed over micro-batches and replicas). */
    EXAMPLE_COUNT,
    /** The number of replicas that contributed (each contributes 1, so the reduced value is the world size). */
    REPLICA_COUNT,
    /** The learning rate of this step. */
    LEARNING_RATE,
    /** A metric the apply program reports (computed from reduced sums), path = name. */
    METRIC,
    /** One sum of a streaming metric over the examples seen, path = {@code metric/sum}; reduced like the loss sum. */
    METRIC_SUM,
    /** A prediction output, path = prediction name. */
    PREDICTION;

    /** Whether values of this role leave a replica and go through the cross-replica sum before the apply. */
    public boolean reduced() {
        return switch (this) {
            case LOSS_SUM, GRADIENT, METRIC_SUM, STATE, EXAMPLE_COUNT, REPLICA_COUNT -> true;
            default -> false;
        };
    }

    /** Whether the reduced value is a sum over examples, so micro-batches of one replica add up. */
    public boolean summedOverExamples() {
        return this == LOSS_SUM || this == GRADIENT || this == METRIC_SUM || this == EXAMPLE_COUNT;
    }
}
