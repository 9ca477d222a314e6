package dev.lockstep.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LearningRateTest {
    @Test
    void schedulesMatchTheirDefinitions() {
        assertEquals(0.1, new LearningRate.Constant(0.1).at(1000));
        var step = new LearningRate.StepDecay(1.0, 0.5, 10);
        assertEquals(1.0, step.at(9));
        assertEquals(0.5, step.at(10));
        assertEquals(0.25, step.at(25));
        assertEquals(0.5, new LearningRate.Exponential(1.0, 0.25, 100).at(50), 1e-12);
        var cos = new LearningRate.Cosine(1.0, 100, 0.1);
        assertEquals(1.0, cos.at(0), 1e-12);
        assertEquals(0.55, cos.at(50), 1e-12);
        assertEquals(0.1, cos.at(100), 1e-12);
        assertEquals(0.1, cos.at(500), 1e-12);
    }

    @Test
    void warmupRampsLinearlyThenHandsOver() {
        var w = new LearningRate.Warmup(4, new LearningRate.StepDecay(1.0, 0.5, 2));
        assertEquals(0.25, w.at(0), 1e-12);
        assertEquals(1.0, w.at(3), 1e-12);
        assertEquals(1.0, w.at(5), 1e-12);
        assertEquals(0.5, w.at(6), 1e-12);
    }

    @Test
    void badSettingsNameTheSetting() {
        var e = assertThrows(IllegalArgumentException.class, () -> new LearningRate.Constant(-1));
        assertEquals(true, e.getMessage().contains("learning rate"));
        assertThrows(IllegalArgumentException.class, () -> new LearningRate.Warmup(0, new LearningRate.Constant(1)));
    }
}
