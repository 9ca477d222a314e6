package dev.lockstep.nn;

import dev.lockstep.graph.Functions;
import dev.lockstep.graph.Tensor;

/**
 * Per-example losses: each returns a vector [batch]. The training objective is
 * {@link #objective}: the sum over examples divided by the global batch size (invariant 2), so the
 * same code is right on one worker or many; never a mean of local means.
 */
public final class Losses {
    private Losses() {}

    /** Sum of per-example losses divided by the global batch size. */
    public static Tensor objective(Tensor perExample, long globalBatchSize) {
        if (globalBatchSize <= 0) {
            throw new IllegalArgumentException("global batch size must be positive, got " + globalBatchSize);
        }
        return perExample.sum(0).div((double) globalBatchSize);
    }

    /** Mean over the non-batch axes of (prediction - target)^2. */
    public static Tensor meanSquaredError(Tensor prediction, Tensor target) {
        return meanOverFeatures(prediction.sub(target).square());
    }

    /** Huber: 0.5 e^2 where |e| <= delta, else delta (|e| - 0.5 delta); mean over non-batch axes. */
    public static Tensor huber(Tensor prediction, Tensor target, double delta) {
        if (!(delta > 0)) {
            throw new IllegalArgumentException("huber delta must be > 0, got " + delta);
        }
        Tensor e = prediction.sub(target).abs();
        Tensor quadratic = e.min(delta);
        Tensor linear = e.sub(quadratic);
        return meanOverFeatures(quadratic.square().mul(0.5).add(linear.mul(delta)));
    }

    /** Softmax cross-entropy from logits [batch, classes] against dense label distributions. */
    public static Tensor softmaxCrossEntropy(Tensor logits, Tensor labels) {
        return Functions.softmaxCrossEntropy(logits, labels);
    }

    /** Softmax cross-entropy from logits [batch, classes] against integer class ids [batch]. */
    public static Tensor sparseSoftmaxCrossEntropy(Tensor logits, Tensor classIds) {
        if (!classIds.dtype().isInteger()) {
            throw new IllegalArgumentException("sparse labels must be integer class ids, got " + classIds.type());
        }
        return Functions.sparseSoftmaxCrossEntropy(logits, classIds);
    }

    /**
     * Sigmoid binary cross-entropy from logits, {@code max(x, 0) - x z + log(1 + e^-|x|)} (stable
     * for any x), averaged over the non-batch axes.
     */
    public static Tensor sigmoidBinaryCrossEntropy(Tensor logits, Tensor targets) {
        Tensor x = logits;
        return meanOverFeatures(x.relu().sub(x.mul(targets)).add(x.abs().neg().exp().log1p()));
    }

    private static Tensor meanOverFeatures(Tensor perElement) {
        if (perElement.rank() == 0) {
            throw new IllegalArgumentException("per-example losses need a batch dimension, got " + perElement.type());
        }
        if (perElement.rank() == 1) {
            return perElement;
        }
        int[] axes = new int[perElement.rank() - 1];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i + 1;
        }
        return perElement.mean(axes);
    }
}
