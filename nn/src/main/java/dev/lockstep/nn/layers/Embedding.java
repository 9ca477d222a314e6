package dev.lockstep.nn.layers;

import dev.lockstep.graph.Tensor;
import dev.lockstep.nn.Initializer;
import dev.lockstep.nn.Layer;
import dev.lockstep.nn.Scope;
import dev.lockstep.tensor.DType;

/** Looks up rows of {@code embeddings} [vocabulary, dim] by integer ids of any shape (gather). */
public final class Embedding extends Layer {
    private final int vocabulary;
    private final int dim;
    private final DType dtype;

    public Embedding(int vocabulary, int dim) {
        this(vocabulary, dim, DType.F32);
    }

    public Embedding(int vocabulary, int dim, DType dtype) {
        if (vocabulary <= 0 || dim <= 0) {
            throw new IllegalArgumentException("Embedding vocabulary and dim must be positive, got " + vocabulary
                    + " and " + dim);
        }
        this.vocabulary = vocabulary;
        this.dim = dim;
        this.dtype = dtype;
    }

    @Override
    protected Tensor apply(Scope scope, Tensor ids) {
        if (!ids.dtype().isInteger()) {
            throw new IllegalArgumentException(describe() + " needs integer ids, got " + ids.type());
        }
        Tensor table = parameter(scope, "embeddings", dtype, new int[] {vocabulary, dim},
                new Initializer.Uniform(-0.05, 0.05), null);
        return table.take(ids);
    }
}
