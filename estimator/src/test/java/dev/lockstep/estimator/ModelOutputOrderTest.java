package dev.lockstep.estimator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Tensor;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Predictions and metric sums become program outputs in iteration order; they were kept in Map.copyOf's
 * per-JVM salted order, so identical runs exported modules (and signatures) with outputs in other orders.
 */
class ModelOutputOrderTest {
    @Test
    void predictionsMetricsAndMetricSumsIterateInNameOrder() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.wrap(b.parameter("x", TensorType.of(DType.F32, 4)));
        List<String> names = new ArrayList<>();
        Map<String, Tensor> predictions = new HashMap<>();
        Map<String, Metric> metrics = new HashMap<>();
        for (int i = 0; i < 12; i++) {
            String name = "out_" + (char) ('a' + (i * 7) % 12);
            names.add(name);
            predictions.put(name, x);
            metrics.put(name, Metric.mean(x));
        }
        ModelOutput out = new ModelOutput(predictions, x, metrics);
        List<String> sorted = names.stream().sorted().toList();
        assertEquals(sorted, List.copyOf(out.predictions().keySet()));
        assertEquals(sorted, List.copyOf(out.metrics().keySet()));
        assertEquals(List.of("count", "total"), List.copyOf(Metric.mean(x).sums().keySet()));
        assertEquals(List.of("denominator", "numerator"), List.copyOf(Metric.ratio(x, x).sums().keySet()));
    }
}
