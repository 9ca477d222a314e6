package dev.lockstep.estimator;

import dev.lockstep.graph.Tensor;
import dev.lockstep.nn.Mode;
import dev.lockstep.nn.Scope;
import java.util.Map;

/**
 * The user's model function, estimator style: named feature tensors, label tensors (empty in
 * PREDICT) and the mode give predictions, per-example losses and evaluation metrics. It calls the
 * modules of the estimator's model tree through the scope; TRAIN, EVAL and PREDICT are separate traced
 * graphs over that one tree.
 */
@FunctionalInterface
public interface ModelFn {
    ModelOutput apply(Scope scope, Map<String, Tensor> features, Map<String, Tensor> labels, Mode mode);
}
