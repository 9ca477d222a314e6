package dev.lockstep.estimator;

import dev.lockstep.graph.Tensor;
import java.util.Map;
import java.util.function.Function;

/**
 * A streaming evaluation metric: per-batch sums (scalars) computed on the device and added up over
 * every evaluation batch on the host, then {@code result} turns the totals into the value. So a
 * ratio such as accuracy is total correct / total examples, never a mean of batch means.
 */
public record Metric(Map<String, Tensor> sums, Function<Map<String, Double>, Double> result) {
    public Metric {
        sums = SortedMaps.copyOf(sums); // in name order: they become program outputs
    }

    /** The mean over examples of a per-example value [batch]. */
    public static Metric mean(Tensor perExample) {
        Tensor count = perExample.scalar(perExample.shape().dim(0));
        return new Metric(Map.of("total", perExample.sum(0), "count", count),
                t -> t.get("total") / t.get("count"));
    }

    /** numerator / denominator of two summed scalars (0 when nothing was counted). */
    public static Metric ratio(Tensor numerator, Tensor denominator) {
        return new Metric(Map.of("numerator", numerator, "denominator", denominator),
                t -> t.get("denominator") == 0 ? 0.0 : t.get("numerator") / t.get("denominator"));
    }
}
