package dev.lockstep.nn;

import dev.lockstep.graph.Tensor;
import java.util.List;
import java.util.Map;

/** Collects regularization penalties from the model tree: every regularized parameter exactly once. */
final class Regularization {
    private Regularization() {}

    /** Paths among {@code trainable} whose spec carries a regularizer. */
    static List<String> paths(Module model, List<String> trainable) {
        return model.parameters().stream()
                .filter(s -> s.regularizer().isPresent() && trainable.contains(s.path()))
                .map(VariableSpec::path).toList();
    }

    /** Sum of penalties over the regularized trainable parameters, or null when there are none. */
    static Tensor add(Module model, Map<String, Tensor> params, List<String> trainable) {
        Tensor total = null;
        for (VariableSpec s : model.parameters()) {
            if (s.regularizer().isPresent() && trainable.contains(s.path())) {
                Tensor p = s.regularizer().get().penalty(params.get(s.path()));
                total = total == null ? p : total.add(p);
            }
        }
        return total;
    }
}
