package dev.lockstep.estimator;

import dev.lockstep.graph.Tensor;
import java.util.Map;

/**
 * What a model function returns: named predictions (each with a leading batch dimension), per-example
 * losses [batch] (null in PREDICT) and evaluation metrics by name, both iterated in name order (so a
 * program's outputs, and the files exported from it, are the same in every run).
 */
public record ModelOutput(Map<String, Tensor> predictions, Tensor perExampleLoss, Map<String, Metric> metrics) {
    public ModelOutput {
        predictions = SortedMaps.copyOf(predictions);
        metrics = SortedMaps.copyOf(metrics);
    }
}
