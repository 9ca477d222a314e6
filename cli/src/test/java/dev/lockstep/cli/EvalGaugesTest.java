package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.estimator.Listener;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The eval gauges are absent from a scrape until the first evaluation (they used to read 0.0 from the start). */
class EvalGaugesTest {
    @Test
    void evalGaugesAreAbsentBeforeTheFirstEvaluation() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (TrainingMetrics metrics = new TrainingMetrics(registry)) {
            assertFalse(registry.scrape().contains("lockstep_eval_"), registry.scrape());
            metrics.onStep(new Listener.StepEvent(1, Map.of("loss", 0.75), 32, 0.01, 0.0, 0.1));
            String afterStep = registry.scrape();
            assertTrue(afterStep.contains("lockstep_loss 0.75"), afterStep);
            assertFalse(afterStep.contains("lockstep_eval_"), afterStep);

            metrics.onEvaluation(new Listener.EvaluationEvent(1, Map.of("loss", 0.5), 64));
            String afterRegression = registry.scrape();
            assertTrue(afterRegression.contains("lockstep_eval_loss 0.5"), afterRegression);
            assertFalse(afterRegression.contains("lockstep_eval_accuracy"), "no accuracy was measured: " + afterRegression);

            metrics.onEvaluation(new Listener.EvaluationEvent(2, Map.of("loss", 0.25, "accuracy", 0.875), 64));
            String afterClassification = registry.scrape();
            assertTrue(afterClassification.contains("lockstep_eval_loss 0.25"), afterClassification);
            assertTrue(afterClassification.contains("lockstep_eval_accuracy 0.875"), afterClassification);
        }
    }
}
