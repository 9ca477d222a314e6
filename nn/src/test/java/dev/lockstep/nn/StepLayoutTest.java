package dev.lockstep.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.nn.layers.BatchNormalization;
import dev.lockstep.nn.layers.Dense;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.TensorType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The typed layout of a step: what leaves a replica, in which order, and what a runner keeps. */
class StepLayoutTest {
    static StepLayout layout(TrainStep.Config config) {
        Module model = Sequential.of("bn", new BatchNormalization(), "out", new Dense(1));
        return TrainStep.layout(model, Fixtures.mse(model), Fixtures.types(DType.F32, 4, 3),
                Map.of("y", TensorType.of(DType.F32, 4, 1)), config);
    }

    @Test
    void thePayloadIsLossGradientsAndStateInGraphOrderThenTheCounts() {
        StepLayout layout = layout(TrainStep.Config.of(Optimizer.Adam.standard(), 1));
        List<String> payload = layout.payload().stream().map(p -> p.role() + " " + p.path()).toList();
        assertEquals(List.of("LOSS_SUM loss_sum", "GRADIENT bn/gamma", "GRADIENT bn/beta", "GRADIENT out/kernel",
                "GRADIENT out/bias", "STATE bn/moving_mean", "STATE bn/moving_variance",
                "EXAMPLE_COUNT lockstep/example_count", "REPLICA_COUNT lockstep/replica_count"), payload);
        assertTrue(layout.payload().stream().allMatch(p -> p.role().reduced()));
        assertEquals(layout.payload().size() - 2, layout.payloadIndex(Role.EXAMPLE_COUNT));
        assertEquals(TensorType.of(DType.F32, 3), layout.payload().get(layout.payloadIndex(Role.STATE,
                "bn/moving_mean")).type());
        var e = assertThrows(IllegalArgumentException.class, () -> layout.payloadIndex(Role.GRADIENT, "bn/moving_mean"));
        assertTrue(e.getMessage().contains("GRADIENT 'bn/moving_mean'") && e.getMessage().contains("out/kernel"),
                e.getMessage());
    }

    @Test
    void theApplyProgramCommitsEveryParameterSlotAndStateItReads() {
        StepLayout layout = layout(TrainStep.Config.of(Optimizer.Adam.standard(), 1));
        for (Role role : List.of(Role.PARAMETER, Role.SLOT, Role.STATE)) {
            // As sets: an optimizer may return its slots in any order; the ports say which is which.
            assertEquals(java.util.Set.copyOf(layout.apply().inputs(role).stream().map(Port::path).toList()),
                    java.util.Set.copyOf(layout.apply().outputs(role).stream().map(Port::path).toList()),
                    role.toString());
            assertEquals(layout.apply().inputs(role).size(), layout.apply().outputs(role).size(), role.toString());
        }
        assertEquals(List.of("bn/moving_mean", "bn/moving_variance"),
                layout.apply().outputs(Role.STATE).stream().map(Port::path).toList());
        assertEquals(1, layout.apply().inputs(Role.REPLICA_COUNT).size());
    }

    @Test
    void theRunnerKeepsExactlyTheTensorsInitialValuesDefines() {
        var config = TrainStep.Config.of(Optimizer.Adam.standard(), 1);
        Module model = Sequential.of("bn", new BatchNormalization(), "out", new Dense(1));
        StepLayout layout = TrainStep.layout(model, Fixtures.mse(model), Fixtures.types(DType.F32, 4, 3),
                Map.of("y", TensorType.of(DType.F32, 4, 1)), config);
        Map<String, TensorType> kept = new java.util.TreeMap<>();
        layout.variables().forEach((k, p) -> kept.put(k, p.type()));
        assertEquals(new java.util.TreeMap<>(InitialValues.types(model, config)), kept);
        assertTrue(kept.containsKey("slot/out/kernel/adam_v") && kept.containsKey("bn/moving_variance"));
        assertEquals(InitialValues.types(model, config).keySet(), InitialValues.of(model, config).keySet());
    }
}
