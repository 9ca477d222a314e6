package dev.lockstep.device.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.device.Capabilities;
import dev.lockstep.device.Device;
import dev.lockstep.graph.OpKind;
import dev.lockstep.tensor.DType;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;

/** Tests of the gradient-check suite itself: it catches wrong gradients, and never skips silently. */
class GradientCheckSuiteTest {

    private static GradientCheckTests suite(Device device) {
        return new GradientCheckTests() {
            @Override
            protected Device device() {
                return device;
            }
        };
    }

    @Test
    void aDeviceWithoutF64FailsLoudlyInsteadOfSkipping() {
        EnumSet<DType> dtypes = EnumSet.allOf(DType.class);
        dtypes.remove(DType.F64);
        Device noF64 = new ReferenceDevice(Capabilities.of(EnumSet.allOf(OpKind.class), dtypes));
        List<DynamicTest> tests = suite(noF64).everyDifferentiableOpMatchesFiniteDifferences().toList();
        assertEquals(1, tests.size());
        AssertionError e = assertThrows(AssertionError.class, () -> tests.getFirst().getExecutable().execute());
        assertTrue(e.getMessage().contains("f64") && e.getMessage().contains("reference"), e.getMessage());
    }

    @Test
    void aGradientOffByOnePerMilleFailsEveryCase() {
        // gradient graphs are the ones with more than one output: nudge the first gradient
        Device skewed = new PerturbingDevice(new ReferenceDevice(), g -> g.outputs().size() > 1, 1, 1e-3);
        List<DynamicTest> tests = suite(skewed).everyDifferentiableOpMatchesFiniteDifferences().toList();
        int failed = 0;
        for (DynamicTest t : tests) {
            try {
                t.getExecutable().execute();
            } catch (Throwable e) {
                failed++;
                assertTrue(e.getMessage().contains("autodiff") || t.getDisplayName().equals("summary"), e.getMessage());
            }
        }
        assertEquals(tests.size(), failed, "every case and the summary should fail");
    }
}
