package dev.lockstep.device.pjrt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Executable;
import dev.lockstep.device.pjrt.testplugin.TestPlugin;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Who frees what: closing with live buffers, donation, and steady-state steps that allocate nothing native. */
class LifecycleTest {
    /** w' = w - 0.1 * x * w (elementwise), loss = sum(w'): a training step in miniature. */
    private static Graph step() {
        var b = new GraphBuilder();
        var w = b.input("w", DType.F32, 64, 32);
        var x = b.input("x", DType.F32, 64, 32);
        var next = w.sub(x.mul(w).mul(b.constant(TensorType.of(DType.F32), new double[] {0.1})
                .broadcastTo(64, 32)));
        return b.buildTensors(List.of(next, next.sum(0, 1)));
    }

    @Test
    void closingADeviceWithLiveBuffersAndExecutablesFreesThemAndLaterUseIsAnError() {
        TestPlugin.Stats before = TestPlugin.stats(TestDevices.plugin());
        PjrtDevice d = TestDevices.open(Map.of());
        Executable e = d.compile(step());
        Buffer w = d.upload(HostTensor.zeros(TensorType.of(DType.F32, 64, 32)));
        Buffer x = d.upload(HostTensor.zeros(TensorType.of(DType.F32, 64, 32)));
        List<Buffer> out = e.execute(List.of(w, x));
        TestPlugin.Stats open = TestPlugin.stats(TestDevices.plugin());
        assertEquals(before.liveBuffers() + 4, open.liveBuffers(), "w, x and two outputs live in the plugin");
        assertEquals(before.liveExecutables() + 1, open.liveExecutables());
        d.close(); // none of them closed first

        TestPlugin.Stats after = TestPlugin.stats(TestDevices.plugin());
        assertEquals(before.liveBuffers(), after.liveBuffers(), "the device destroyed its buffers");
        assertEquals(before.liveExecutables(), after.liveExecutables(), "and its executable");
        assertEquals(before.liveClients(), after.liveClients(), "and then its client");
        assertEquals(before.aliveAtClientDestroy(), after.aliveAtClientDestroy(),
                "nothing was still alive when the client was destroyed");
        var read = assertThrows(IllegalStateException.class, w::toHost);
        assertTrue(read.getMessage().contains("closed (its device was closed)"), read.getMessage());
        assertThrows(IllegalStateException.class, () -> e.execute(List.of(w, x), out));
        w.close(); // closing again after the device is harmless
        e.close();
        d.close();
    }

    @Test
    void aDonatedInputIsGivenUpAndTheResultIsTheSame() {
        var d = TestDevices.shared();
        HostTensor w0 = HostTensor.fromDoubles(TensorType.of(DType.F32, 64, 32), ramp(64 * 32));
        HostTensor x0 = HostTensor.fromDoubles(TensorType.of(DType.F32, 64, 32), ramp(64 * 32));
        List<HostTensor> plain = TestDevices.run(d, step(), w0, x0);
        long donations = TestPlugin.stats(TestDevices.plugin()).donations();
        try (Executable e = d.compile(step(), Set.of(0)); Buffer w = d.upload(w0); Buffer x = d.upload(x0);
             Buffer next = d.allocate(step().outputTypes().get(0)); Buffer loss = d.allocate(TensorType.of(DType.F32))) {
            e.execute(List.of(w, x), List.of(next, loss));
            assertArrayEquals(plain.get(0).floats(), next.toHost().floats());
            assertEquals(plain.get(1).getDouble(0), loss.toHost().getDouble(0));
            assertEquals(donations + 1, TestPlugin.stats(TestDevices.plugin()).donations(),
                    "the plugin saw w aliased to the output and gave up its memory");
            var donated = assertThrows(IllegalStateException.class, w::toHost);
            assertTrue(donated.getMessage().contains("was donated"), donated.getMessage());
            var again = assertThrows(IllegalArgumentException.class, () -> e.execute(List.of(w, x), List.of(next, loss)));
            assertTrue(again.getMessage().contains("input 0 'w' was donated"), again.getMessage());
            assertArrayEquals(x0.floats(), x.toHost().floats(), "x was not donated and keeps its value");
            w.copyFrom(w0); // written again, usable again
            e.execute(List.of(w, x), List.of(next, loss));
            assertArrayEquals(plain.get(0).floats(), next.toHost().floats());
            var twice = assertThrows(IllegalArgumentException.class, () -> {
                try (Buffer y = d.upload(w0)) {
                    e.execute(List.of(y, y), List.of(next, loss));
                }
            });
            assertTrue(twice.getMessage().contains("is donated but the same buffer is also input 1"), twice.getMessage());
        }
    }

    /** The measurement behind "steady-state steps allocate no new native memory". */
    @Test
    void steadyStateStepsAllocateNoNativeMemory() {
        PjrtDevice d = (PjrtDevice) TestDevices.shared();
        Graph g = step();
        HostTensor batch = HostTensor.fromDoubles(TensorType.of(DType.F32, 64, 32), ramp(64 * 32));
        try (Executable e = d.compile(g, Set.of(0)); Buffer x = d.allocate(batch.type());
             Buffer loss = d.allocate(TensorType.of(DType.F32))) {
            List<Buffer> ws = new ArrayList<>(List.of(d.upload(HostTensor.zeros(batch.type())), d.allocate(batch.type())));
            Runnable oneStep = () -> {
                x.copyFrom(batch);                                  // host to device
                e.execute(List.of(ws.get(0), x), List.of(ws.get(1), loss));
                loss.toHost();                                      // device to host
                ws.add(ws.removeFirst());                           // ping-pong
            };
            for (int i = 0; i < 5; i++) {
                oneStep.run();
            }
            long bytes = d.memory().bytesAllocated(), allocations = d.memory().allocations();
            TestPlugin.Stats plugin = TestPlugin.stats(TestDevices.plugin());
            for (int i = 0; i < 50; i++) {
                oneStep.run();
            }
            assertEquals(allocations, d.memory().allocations(), "native allocations by the binding in 50 steps");
            assertEquals(bytes, d.memory().bytesAllocated());
            TestPlugin.Stats later = TestPlugin.stats(TestDevices.plugin());
            assertEquals(plugin.liveBuffers(), later.liveBuffers(), "the plugin holds as many buffers as before");
            assertEquals(plugin.liveBytes(), later.liveBytes());
            assertEquals(plugin.liveEvents(), later.liveEvents(), "every event was destroyed");
            assertEquals(plugin.executions() + 50, later.executions());
            ws.forEach(Buffer::close);
        }
    }

    private static double[] ramp(int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i % 17) / 8.0 - 1;
        }
        return v;
    }
}
