package dev.lockstep.graph;

import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.Shape;
import dev.lockstep.tensor.TensorType;
/**
 * Composite functions built from graph ops (not new ops), written to be numerically stable.
 */
public final class Functions {
    private Functions() {}

    /** log(sum(exp(x))) over {@code axis}, with the max subtracted first; the axis is removed. */
    public static Tensor logSumExp(Tensor x, int axis) {
        Tensor m = x.keepDims(x.reduceMax(axis), axis);
        Tensor shifted = x.sub(m);
        return shifted.exp().sum(axis).log().add(m.reshape(ShapeRules.removeAxes(x.shape(), new int[] {axis}).dims()));
    }

    public static Tensor logSoftmax(Tensor x, int axis) {
        Tensor m = x.keepDims(x.reduceMax(axis), axis);
        Tensor shifted = x.sub(m);
        return shifted.sub(x.keepDims(shifted.exp().sum(axis).log(), axis));
    }

    public static Tensor softmax(Tensor x, int axis) {
        Tensor m = x.keepDims(x.reduceMax(axis), axis);
        Tensor e = x.sub(m).exp();
        return e.div(x.keepDims(e.sum(axis), axis));
    }

    /** GELU, tanh approximation (as in BERT/GPT-2). */
    public static Tensor gelu(Tensor x) {
        double c = Math.sqrt(2.0 / Math.PI);
        Tensor inner = x.add(x.mul(x).mul(x).mul(0.044715)).mul(c);
        return x.mul(0.5).mul(inner.tanh().add(1.0));
    }

    /**
     * Per-example softmax cross-entropy of {@code logits} [..., C] against dense label
     * distributions {@code labels} [..., C]; the class axis is removed.
     */
    public static Tensor softmaxCrossEntropy(Tensor logits, Tensor labels) {
        int axis = logits.rank() - 1;
        return labels.mul(logSoftmax(logits, axis)).sum(axis).neg();
    }

    /** As {@link #softmaxCrossEntropy} with integer class ids [...] (one-hot built by compare with iota). */
    public static Tensor sparseSoftmaxCrossEntropy(Tensor logits, Tensor classIds) {
        return softmaxCrossEntropy(logits, oneHot(classIds, logits.shape().dim(logits.rank() - 1), logits.dtype()));
    }

    /** One-hot encoding of integer {@code ids}, adding a trailing dimension of {@code depth}. */
    public static Tensor oneHot(Tensor ids, int depth, DType dtype) {
        int[] dims = new int[ids.rank() + 1];
        System.arraycopy(ids.shape().dims(), 0, dims, 0, ids.rank());
        dims[ids.rank()] = depth;
        GraphBuilder b = ids.builder();
        Tensor iota = b.wrap(b.add(new LeafOp.Iota(new TensorType(ids.dtype(), Shape.of(dims)), ids.rank())));
        Tensor expanded = ids.reshape(append(ids.shape().dims(), 1));
        Tensor one = b.constant(1.0, dtype), zero = b.constant(0.0, dtype);
        return iota.eq(expanded).select(one, zero);
    }

    private static int[] append(int[] a, int v) {
        int[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = v;
        return out;
    }
}
