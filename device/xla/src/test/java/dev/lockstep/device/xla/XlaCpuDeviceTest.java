package dev.lockstep.device.xla;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.CompileException;
import dev.lockstep.device.Devices;
import dev.lockstep.device.Executable;
import dev.lockstep.tensor.DType;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Tensor;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The device around the emitter: registration, buffers, argument checks, and XLA's rejections. */
class XlaCpuDeviceTest {
    private static Graph sumRows() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("batch/x", DType.F32, 2, 3);
        return b.buildTensors(List.of(x.sum(1)));
    }

    /** xla-cpu runs one replica: a program that must sum across several is refused when compiled, by name. */
    @Test
    void anAllReduceAcrossSeveralReplicasIsACompileErrorNamingTheOp() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("bn/sums", DType.F32, 3);
        Graph g = b.buildTensors(List.of(x.sumOverReplicas()));
        dev.lockstep.device.Replicas two = new dev.lockstep.device.Replicas() {
            @Override
            public int count() {
                return 2;
            }

            @Override
            public void sum(int op, DType dtype, java.nio.ByteBuffer data) {
                throw new AssertionError("never called");
            }
        };
        CompileException e = assertThrows(CompileException.class, () -> XlaCpu.device().compile(g, two));
        assertTrue(e.getMessage().contains("all_reduce") && e.getMessage().contains("xla-cpu")
                && e.getMessage().contains("2 replicas"), e.getMessage());
        try (Executable one = XlaCpu.device().compile(g, dev.lockstep.device.Replicas.SINGLE)) {
            assertEquals(1, one.graph().outputs().size());
        }
    }

    @Test
    void isRegisteredAndUsable() {
        assertTrue(Devices.available().contains("xla-cpu"), Devices.available().toString());
        assertEquals("xla-cpu", XlaCpu.device().name());
    }

    @Test
    void outputBuffersAreReusedAcrossRuns() {
        var d = XlaCpu.device();
        try (Executable e = d.compile(sumRows()); Buffer in = d.allocate(TensorType.of(DType.F32, 2, 3));
             Buffer out = d.allocate(TensorType.of(DType.F32, 2))) {
            in.copyFrom(HostTensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
            e.execute(List.of(in), List.of(out));
            assertArrayEquals(new float[] {6, 15}, out.toHost().floats());
            in.copyFrom(HostTensor.ofFloats(new float[] {1, 1, 1, 2, 2, 2}, 2, 3));
            e.execute(List.of(in), List.of(out));
            assertArrayEquals(new float[] {3, 6}, out.toHost().floats());
        }
    }

    @Test
    void wrongInputTypeNamesTheParameter() {
        var d = XlaCpu.device();
        try (Executable e = d.compile(sumRows()); Buffer in = d.allocate(TensorType.of(DType.F64, 2, 3));
             Buffer out = d.allocate(TensorType.of(DType.F32, 2))) {
            var ex = assertThrows(IllegalArgumentException.class, () -> e.execute(List.of(in), List.of(out)));
            assertTrue(ex.getMessage().contains("'batch/x'") && ex.getMessage().contains("f64[2, 3]"), ex.getMessage());
            var alias = assertThrows(IllegalArgumentException.class, () -> e.execute(List.of(out), List.of(out)));
            assertTrue(alias.getMessage().contains("input 0"), alias.getMessage());
        }
    }

    @Test
    void halfPrecisionBuffersHoldRoundedValues() {
        var d = XlaCpu.device();
        try (Buffer b = d.upload(HostTensor.wrap(TensorType.of(DType.BF16, 2), new float[] {0.1f, 1f}))) {
            assertArrayEquals(new float[] {0.10009765625f, 1f}, b.toHost().floats());
        }
    }

    /** Corrupts one attribute after the emitter's check, as an emitter bug that only XLA catches would. */
    private static final class CorruptingRuntime implements XlaRuntime {
        private final TfXlaRuntime inner = new TfXlaRuntime();

        @Override
        public String platform() {
            return inner.platform();
        }

        @Override
        public Program load(StableHloModule m) {
            String bad = m.text().replace("dimensions = array<i64: 1>", "dimensions = array<i64: 7>");
            return inner.load(new StableHloModule(m.graph(), bad, m.inputTypes(), m.outputTypes(), m.lineOwners()));
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    @Test
    void aModuleXlaRejectsFailsAtCompileNamingTheNodeAndXlasReason() {
        XlaCpu.device(); // loads TensorFlow
        try (XlaDevice d = new XlaDevice("xla-cpu-corrupt", new CorruptingRuntime())) {
            CompileException e = assertThrows(CompileException.class, () -> d.compile(sumRows()));
            assertTrue(e.getMessage().contains("xla-cpu-corrupt"), e.getMessage());
            assertTrue(e.getMessage().contains("XLA rejected the emitted StableHLO at line"), e.getMessage());
            assertTrue(e.getMessage().contains("reduce{reduction=SUM, axes=[1]}"), "names the node: " + e.getMessage());
            assertTrue(e.getMessage().contains("XlaCpuDeviceTest.java"), "names the trace site: " + e.getMessage());
        }
    }

    @Test
    void withoutTheNativeLibraryTheDeviceIsUnusableAndSaysWhy() {
        var p = new XlaCpuDeviceProvider(() -> {
            throw new UnsatisfiedLinkError("no jnitensorflow in java.library.path");
        });
        assertEquals(false, p.isUsable());
        assertTrue(p.unusableReason().contains("tensorflow-core-native") && p.unusableReason().contains("jnitensorflow"),
                p.unusableReason());
        var e = assertThrows(IllegalStateException.class, p::open);
        assertTrue(e.getMessage().contains("xla-cpu is not usable"), e.getMessage());
    }
}
