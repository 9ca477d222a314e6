package dev.lockstep.graph;

/**
 * The element-wise sum of the operand over every replica of the step (StableHLO {@code all_reduce}
 * with an add region and one replica group holding all replicas). The result has the operand's type
 * and is bitwise the same on every replica. In one process it is the operand itself. It exists for
 * values a replica cannot compute from its own slice of the batch, such as batch statistics under the
 * {@code sync} batch-norm policy; gradients are summed after the program, not with this op.
 *
 * <p>Its gradient is the all-reduce of the cotangent: every replica's loss depends on every
 * replica's contribution.
 */
public record AllReduce() implements Op {
}
