package dev.lockstep.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.estimator.Estimator;
import dev.lockstep.estimator.RunConfig;
import dev.lockstep.nn.LearningRate;
import dev.lockstep.nn.Optimizer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The encoder-decoder example learns to reverse sequences through both of its inputs (device cpu). */
class ReverseSequencesTest {
    @Test
    void learnsToReverseSequences(@TempDir Path dir) {
        var model = new ReverseSequences.EncoderDecoder();
        try (Estimator e = Estimator.builder(model, ReverseSequences.modelFn(model), RunConfig.of(dir, 7))
                .optimizer(Optimizer.Adam.standard()).learningRate(new LearningRate.Constant(0.01)).build()) {
            e.trainUntil(ReverseSequences.input(20_000, 1, true), 300);
            var metrics = e.evaluate(ReverseSequences.input(500, 2, false), 0);
            // Chance is 1/10 per token; copying the source in order would score about 1/6.
            assertTrue(metrics.get("token_accuracy") > 0.8, metrics.toString());
        }
    }
}
