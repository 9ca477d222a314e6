package dev.lockstep.estimator;

import dev.lockstep.graph.Tensor;
import java.util.Map;

/**
 * What a model function returns: named predictions (each with a leading batch dimension), per-example
 * losses [batch] (null in PREDICT) and evaluation metrics by name.
 */
public record ModelOutput(Map<String, Tensor> predictions, Tensor perExampleLoss, Map<String, Metric> metrics) {
    public ModelOutput {
        predictions = Map.copyOf(predictions);
        metrics = Map.copyOf(metrics);
    }
}
