package dev.lockstep.device.pjrt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.CompileException;
import dev.lockstep.device.Executable;
import dev.lockstep.device.xla.StableHloEmitter;
import dev.lockstep.device.xla.StableHloModule;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Compile errors, failed and slow transfers, and the host layouts of every dtype, through the real ABI. */
class TransfersAndErrorsTest {
    private static Graph square(DType d, int... dims) {
        var b = new GraphBuilder();
        var x = b.input("x", d, dims);
        return b.buildTensors(List.of(x.mul(x)));
    }

    /** A module the plugin's XLA rejects: the exception quotes XLA, names the line's node, keeps the code. */
    @Test
    void aCompileErrorCarriesThePluginsMessageAndNamesTheNode() {
        PjrtDevice d = (PjrtDevice) TestDevices.shared();
        Graph g = square(DType.F32, 2);
        StableHloModule module = StableHloEmitter.emit(g, d.name());
        String broken = module.text().replace("\"stablehlo.multiply\"", "\"stablehlo.multiplyy\"");
        var e = assertThrows(PjrtException.class, () -> PjrtExecutable.compile(d, g, broken, java.util.Set.of()));
        assertEquals("INVALID_ARGUMENT", e.code());
        assertTrue(e.pluginMessage().contains("unregistered operation 'stablehlo.multiplyy'"), e.pluginMessage());
        CompileException c = CompileErrors.of(d.name(), module, e);
        assertTrue(c.getMessage().contains("rejected the emitted StableHLO at line 3"), c.getMessage());
        assertTrue(c.getMessage().contains("multiply"), c.getMessage());
        assertTrue(c.getMessage().contains(g.outputs().getFirst().toString()), "names the node: " + c.getMessage());
    }

    @Test
    void aFailedTransferToTheHostIsAPjrtExceptionAndTheDeviceStaysUsable() {
        try (PjrtDevice d = TestDevices.open(Map.of("fail_to_host_after", 1L))) {
            Buffer a = d.upload(HostTensor.ofFloats(new float[] {1, 2}, 2));
            assertArrayEquals(new float[] {1, 2}, a.toHost().floats()); // transfer 0 succeeds
            var e = assertThrows(PjrtException.class, a::toHost);     // transfer 1 is the injected failure
            assertEquals("DATA_LOSS", e.code());
            assertTrue(e.pluginMessage().contains("injected transfer failure"), e.pluginMessage());
            assertTrue(e.getMessage().contains("copying a f32[2] tensor from pjrt:test to the host"), e.getMessage());
            assertArrayEquals(new float[] {1, 2}, a.toHost().floats());
        }
    }

    @Test
    void aFailedTransferFromTheHostFailsTheCopyAndLeavesNoBuffer() {
        try (PjrtDevice d = TestDevices.open(Map.of("fail_from_host_after", 0L))) {
            var e = assertThrows(PjrtException.class, () -> d.upload(HostTensor.ofFloats(new float[] {1, 2}, 2)));
            assertEquals("DATA_LOSS", e.code());
            assertTrue(e.getMessage().contains("copying a f32[2] tensor to pjrt:test"), e.getMessage());
            assertEquals(0, d.liveBuffers());
            Buffer ok = d.upload(HostTensor.ofFloats(new float[] {3}, 1));
            assertArrayEquals(new float[] {3}, ok.toHost().floats());
        }
    }

    /** Transfers that complete on a plugin thread are awaited through PJRT_Event_OnReady. */
    @Test
    void asynchronousTransfersAreAwaited() {
        try (PjrtDevice d = TestDevices.open(Map.of("transfer_delay_ms", 30L))) {
            var out = TestDevices.run(d, square(DType.F64, 3), HostTensor.ofDoubles(new double[] {1, -2, 3}, 3));
            assertArrayEquals(new double[] {1, 4, 9}, out.getFirst().toDoubles());
        }
    }

    @Test
    void aTransferPastItsDeadlineFailsAndLeavesTheDeviceUnusable() {
        var settings = new PjrtSettings(Duration.ofMillis(100), Duration.ofSeconds(10));
        PjrtDevice d = TestDevices.open(Map.of("transfer_delay_ms", 2000L), settings);
        try {
            var e = assertThrows(PjrtException.class, () -> d.upload(HostTensor.ofFloats(new float[] {1}, 1)));
            assertEquals("DEADLINE_EXCEEDED", e.code());
            assertTrue(e.getMessage().contains("did not finish within 100 ms"), e.getMessage());
            var after = assertThrows(IllegalStateException.class, () -> d.allocate(HostTensor.zeros(
                    dev.lockstep.tensor.TensorType.of(DType.F32, 1)).type()));
            assertTrue(after.getMessage().contains("is unusable"), after.getMessage());
        } finally {
            d.close();
        }
    }

    @Test
    void everyDtypeRoundTripsThroughTheDevice() {
        var d = TestDevices.shared();
        List<HostTensor> values = List.of(
                HostTensor.ofFloats(new float[] {1.5f, -0f, Float.NaN, 3e38f}, 4),
                HostTensor.ofDoubles(new double[] {Math.PI, -1e300}, 2),
                HostTensor.ofInts(new int[] {Integer.MIN_VALUE, 7}, 2),
                HostTensor.ofLongs(new long[] {Long.MAX_VALUE, -3}, 2),
                HostTensor.ofBools(new boolean[] {true, false, true}, 3),
                HostTensor.fromDoubles(dev.lockstep.tensor.TensorType.of(DType.BF16, 3), new double[] {1, 1.0078125, -2.5}),
                HostTensor.fromDoubles(dev.lockstep.tensor.TensorType.of(DType.F16, 3), new double[] {1, 1.0009765625, 65504}));
        for (HostTensor t : values) {
            try (Buffer b = d.upload(t)) {
                assertEquals(t.toString(), b.toHost().toString(), t.dtype().toString());
                ByteBuffer host = ByteBuffer.allocate((int) HostTensor.littleEndianBytes(t.type())).order(ByteOrder.LITTLE_ENDIAN);
                b.copyTo(host);
                ByteBuffer expected = ByteBuffer.allocate(host.capacity()).order(ByteOrder.LITTLE_ENDIAN);
                t.putLittleEndian(expected);
                assertEquals(expected, host, t.dtype() + " copyTo");
                b.copyFrom(HostTensor.zeros(t.type()));
                b.copyFrom(host);
                assertEquals(t.toString(), b.toHost().toString(), t.dtype() + " copyFrom(ByteBuffer)");
            }
        }
    }

    /** bf16 keeps 8 significant bits: the device holds what it computes with, rounded to nearest even. */
    @Test
    void bf16IsRoundedToNearestEvenOnTheWayIn() {
        HostTensor t = HostTensor.fromDoubles(dev.lockstep.tensor.TensorType.of(DType.BF16, 2),
                new double[] {1.001953125, 1.005859375}); // both halfway: down to 1.0, up to 1.0078125
        try (Buffer c = TestDevices.shared().upload(t)) {
            assertArrayEquals(new float[] {1.0f, 1.0078125f}, c.toHost().floats());
        }
    }

    @Test
    void outputsOfTheWrongDeviceAreRefusedNamingThePosition() {
        var shared = TestDevices.shared();
        try (PjrtDevice other = TestDevices.open(Map.of()); Executable e = shared.compile(square(DType.F32, 2));
             Buffer in = shared.upload(HostTensor.ofFloats(new float[] {1, 2}, 2));
             Buffer foreign = other.allocate(dev.lockstep.tensor.TensorType.of(DType.F32, 2))) {
            var ex = assertThrows(IllegalArgumentException.class, () -> e.execute(List.of(in), List.of(foreign)));
            assertTrue(ex.getMessage().contains("output 0 is not a buffer of device"), ex.getMessage());
        }
    }
}
