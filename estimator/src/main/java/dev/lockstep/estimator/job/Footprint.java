package dev.lockstep.estimator.job;

import dev.lockstep.estimator.ModelFn;
import dev.lockstep.estimator.ModelOutput;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.LeafOp;
import dev.lockstep.graph.Node;
import dev.lockstep.graph.Tensor;
import dev.lockstep.nn.Mode;
import dev.lockstep.nn.Module;
import dev.lockstep.nn.Scope;
import dev.lockstep.nn.VariableSpec;
import dev.lockstep.tensor.Shape;
import dev.lockstep.tensor.TensorType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sizes a job's training step will need, from one trace of its TRAIN forward pass on symbolic shapes.
 * Tracing allocates no tensors: modules declare their variables (types only) from the input shapes, and
 * initial values are made later by the estimator. So a model too large for memory is found here, by
 * its numbers, instead of as an OutOfMemoryError or an int overflow when the values are made.
 *
 * @param variables    every variable the trace declared, by path
 * @param inputs       the batch tensors fed to the program, by name
 * @param activations  bytes of the forward pass's intermediate values for one batch (kept for backward)
 * @param largestActivation the largest intermediate value, described, with its bytes
 */
record Footprint(Map<String, VariableSpec> variables, Map<String, TensorType> inputs, long activations,
                 Sized largestActivation) {
    /** A tensor by what it is (a path, a feature name, an op and site) and its type. */
    record Sized(String what, TensorType type) {
        long elements() {
            return type.shape().size();
        }

        long bytes() {
            return elements() * type.dtype().byteSize();
        }

        @Override
        public String toString() {
            return what + " " + type;
        }
    }

    /**
     * Traces {@code fn} over {@code model} in TRAIN mode for batches of {@code batch} examples shaped like
     * {@code example} (tensors named in {@code labels} are labels, the rest features). Model and head
     * errors (mismatched shapes) surface as the IllegalArgumentException the estimator would throw.
     */
    static Footprint trace(Module model, ModelFn fn, Map<String, TensorType> example, Set<String> labels, int batch,
            long seed) {
        GraphBuilder b = new GraphBuilder();
        Map<String, Tensor> features = new LinkedHashMap<>(), labelTensors = new LinkedHashMap<>();
        Map<String, TensorType> inputs = new LinkedHashMap<>();
        example.forEach((name, t) -> {
            TensorType batched = t.withShape(batched(batch, t.shape()));
            inputs.put(name, batched);
            Tensor in = b.wrap(b.parameter((labels.contains(name) ? "labels/" : "features/") + name, batched));
            (labels.contains(name) ? labelTensors : features).put(name, in);
        });
        Scope scope = new Scope(b, Mode.TRAIN, model, seed);
        ModelOutput out = fn.apply(scope, features, labelTensors, Mode.TRAIN);
        if (out.perExampleLoss() == null) {
            throw new IllegalArgumentException("the model function returned no loss in TRAIN mode");
        }
        Graph g = b.buildTensors(List.of(out.perExampleLoss().sum(0)));
        long activations = 0;
        Sized largest = null;
        for (Node n : g.nodes()) {
            if (n.op() instanceof LeafOp) {
                continue; // inputs, variables and constants are counted apart (or are small)
            }
            Sized s = new Sized(n.kind() + " at " + n.site(), n.type());
            activations = saturatedAdd(activations, s.bytes());
            if (largest == null || s.bytes() > largest.bytes()) {
                largest = s;
            }
        }
        return new Footprint(Map.copyOf(scope.usedVariables()), inputs, activations, largest);
    }

    private static Shape batched(int batch, Shape example) {
        int[] dims = new int[example.rank() + 1];
        dims[0] = batch;
        System.arraycopy(example.dims(), 0, dims, 1, example.rank());
        return Shape.of(dims);
    }

    /** Sums bytes without wrapping: a sum past Long.MAX_VALUE is refused like any other that is too large. */
    static long saturatedAdd(long a, long b) {
        long s = a + b;
        return ((a ^ s) & (b ^ s)) < 0 ? Long.MAX_VALUE : s;
    }
}
