package dev.lockstep.device.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Capabilities;
import dev.lockstep.device.Device;
import dev.lockstep.device.Executable;
import dev.lockstep.tensor.DType;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.OpKind;
import dev.lockstep.tensor.HostTensor;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;

/**
 * Tests of the conformance suite itself: it must catch a device that gets one op wrong, skip and
 * count what a device lacks, and its checks of compile and execute errors must hold on a correct
 * device. (The suite is not run against the reference as a whole: that would compare the
 * reference with itself.)
 */
class ConformanceSuiteTest {

    /** Runs the suite on {@code device} for cases of {@code kinds}; returns the failure messages by label. */
    private static List<String> failures(Device device, EnumSet<OpKind> kinds) {
        DeviceConformanceTests suite = new DeviceConformanceTests() {
            @Override
            protected Device device() {
                return device;
            }
        };
        List<String> failed = new ArrayList<>();
        for (DynamicTest t : suite.cases(c -> kinds.contains(c.kind())).toList()) {
            try {
                t.getExecutable().execute();
            } catch (Throwable e) {
                failed.add(t.getDisplayName() + " :: " + e.getMessage());
            }
        }
        return failed;
    }

    @Test
    void caseTableCoversEveryOpKind() {
        assertEquals(EnumSet.noneOf(OpKind.class), ConformanceCases.missingKinds(ConformanceCases.all()));
    }

    @Test
    void aDeviceThatGetsMultiplySlightlyWrongFailsEveryMultiplyCase() {
        Device faulty = PerturbingDevice.ofKind(new ReferenceDevice(), OpKind.MULTIPLY);
        List<String> failed = failures(faulty, EnumSet.of(OpKind.MULTIPLY, OpKind.ADD));
        long multiplyCases = ConformanceCases.all().stream()
                .filter(c -> c.kind() == OpKind.MULTIPLY && c.graph().outputTypes().getFirst().shape().size() > 0).count();
        // every non-empty multiply case, plus the summary; no add case
        assertEquals(multiplyCases + 1, failed.size(), String.join("\n", failed));
        assertTrue(failed.stream().noneMatch(f -> f.startsWith("add")), String.join("\n", failed));
        String f32 = failed.stream().filter(f -> f.startsWith("multiply f32")).findFirst().orElseThrow();
        assertTrue(f32.contains("worst at [") && f32.contains("expected") && f32.contains("actual"), f32);
        assertTrue(failed.getLast().startsWith("summary"), failed.getLast());
    }

    @Test
    void casesOutsideTheCapabilitiesAreSkippedAndCompileFailsListingCapabilities() {
        EnumSet<OpKind> ops = EnumSet.allOf(OpKind.class);
        ops.remove(OpKind.CONVOLUTION);
        EnumSet<DType> dtypes = EnumSet.allOf(DType.class);
        dtypes.remove(DType.BF16);
        Device restricted = new ReferenceDevice(Capabilities.of(ops, dtypes));
        assertEquals(List.of(), failures(restricted, EnumSet.of(OpKind.CONVOLUTION)));
        new DeviceConformanceTests() {
            @Override
            protected Device device() {
                return restricted;
            }
        }.unsupportedOpOrDtypeIsACompileExceptionListingCapabilities();
    }

    @Test
    void executionContractChecksHoldOnTheReferenceDevice() {
        DeviceConformanceTests suite = new DeviceConformanceTests() {
            @Override
            protected Device device() {
                return new ReferenceDevice();
            }
        };
        suite.executeRejectsWronglyTypedInputsNamingTheParameter();
        suite.executeRejectsWrongInputCountAndWronglyTypedOutputs();
        suite.executeWritesIntoReusedOutputBuffers();
    }

    @Test
    void aDeviceThatIgnoresInputTypesFailsTheTypeCheck() {
        Device lax = new PerturbingDevice(new ReferenceDevice(), g -> false, 0, 0) {
            @Override
            public Executable compile(Graph graph) {
                Executable inner = super.compile(graph);
                return new Executable() {
                    public Graph graph() { return graph; }
                    public Device device() { return inner.device(); }
                    public void execute(List<? extends Buffer> in, List<? extends Buffer> out) {
                        out.getFirst().copyFrom(HostTensor.zeros(out.getFirst().type()));
                    }
                    public void close() {}
                };
            }
        };
        DeviceConformanceTests suite = new DeviceConformanceTests() {
            @Override
            protected Device device() {
                return lax;
            }
        };
        assertThrows(AssertionError.class, suite::executeRejectsWronglyTypedInputsNamingTheParameter);
    }
}
