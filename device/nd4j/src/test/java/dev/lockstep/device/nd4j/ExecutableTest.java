package dev.lockstep.device.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.DeviceProvider;
import dev.lockstep.device.Devices;
import dev.lockstep.tensor.DType;
import dev.lockstep.graph.Functions;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Tensor;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ExecutableTest {
    /** Forward and hand-written backward pass of a 2-layer MLP, as the trainer's gradient program has. */
    static Graph mlpStep(int batch, int in, int hidden, int classes) {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, batch, in);
        Tensor y = b.input("y", DType.F32, batch, classes);
        Tensor w1 = b.input("w1", DType.F32, in, hidden);
        Tensor b1 = b.input("b1", DType.F32, hidden);
        Tensor w2 = b.input("w2", DType.F32, hidden, classes);
        Tensor b2 = b.input("b2", DType.F32, classes);
        Tensor h = x.matmul(w1).add(b1).relu();
        Tensor logits = h.matmul(w2).add(b2);
        Tensor loss = Functions.softmaxCrossEntropy(logits, y).sumAll().div(batch);
        Tensor dLogits = Functions.softmax(logits, 1).sub(y).div(batch);
        var tn = new dev.lockstep.graph.DotGeneral(new int[0], new int[0], new int[] {0}, new int[] {0});
        var nt = new dev.lockstep.graph.DotGeneral(new int[0], new int[0], new int[] {1}, new int[] {1});
        Tensor dw2 = h.dotGeneral(tn, dLogits);
        Tensor db2 = dLogits.sum(0);
        Tensor dh = dLogits.dotGeneral(nt, w2);
        Tensor dPre = h.gt(0.0).select(dh, dh.scalar(0));
        Tensor dw1 = x.dotGeneral(tn, dPre);
        Tensor db1 = dPre.sum(0);
        return b.buildTensors(List.of(loss, dw1, db1, dw2, db2));
    }

    /**
     * Outputs are announced as the schedule computes them, not at the end: when the gradient of the
     * second layer is announced, the first layer's (computed later in the backward pass) is unwritten.
     */
    @Test
    void outputsAreAnnouncedAsSoonAsTheyAreComputed() {
        Graph g = mlpStep(8, 20, 16, 10);
        Nd4jDevice d = (Nd4jDevice) Cpu.DEVICE;
        List<Buffer> inputs = new ArrayList<>();
        List<Buffer> outputs = new ArrayList<>();
        try (var exe = d.compile(g)) {
            for (var p : g.parameters()) {
                inputs.add(d.upload(HostTensor.fromDoubles(p.type(), sines((int) p.type().shape().size()))));
            }
            for (TensorType t : g.outputTypes()) {
                Buffer b = d.allocate(t);
                b.copyFrom(HostTensor.fromDoubles(t, nans((int) t.shape().size())));
                outputs.add(b);
            }
            List<Integer> order = new ArrayList<>();
            boolean[] firstLayerUnwrittenAtSecond = {false};
            exe.execute(inputs, outputs, k -> {
                order.add(k);
                if (k == 3) { // dw2
                    firstLayerUnwrittenAtSecond[0] = Double.isNaN(outputs.get(1).toHost().getDouble(0));
                }
            });
            assertEquals(List.of(0, 1, 2, 3, 4), order.stream().sorted().toList(), "each output once: " + order);
            assertTrue(order.indexOf(3) < order.indexOf(1), "dw2 before dw1: " + order);
            assertTrue(firstLayerUnwrittenAtSecond[0], "dw1 was already written when dw2 was announced");
            assertTrue(!Double.isNaN(outputs.get(1).toHost().getDouble(0)), "dw1 written by the end");
        } finally {
            inputs.forEach(Buffer::close);
            outputs.forEach(Buffer::close);
        }
    }

    private static double[] sines(int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = Math.sin(i * 0.37);
        }
        return v;
    }

    private static double[] nans(int n) {
        double[] v = new double[n];
        java.util.Arrays.fill(v, Double.NaN);
        return v;
    }

    @Test
    void steadyStateStepsAllocateNoNativeMemory() {
        Graph g = mlpStep(8, 20, 16, 10);
        Nd4jDevice d = (Nd4jDevice) Cpu.DEVICE;
        List<Buffer> inputs = new ArrayList<>();
        for (var p : g.parameters()) {
            TensorType t = p.type();
            double[] v = new double[(int) t.shape().size()];
            for (int i = 0; i < v.length; i++) {
                // Labels are one-hot (row r has class r mod 10); everything else is a smooth pattern.
                boolean label = ((dev.lockstep.graph.LeafOp.Parameter) p.op()).name().equals("y");
                v[i] = label ? (i % 10 == (i / 10) % 10 ? 1 : 0) : Math.sin(i * 0.37 + t.rank());
            }
            inputs.add(d.upload(HostTensor.fromDoubles(t, v)));
        }
        List<Buffer> outputs = new ArrayList<>();
        for (TensorType t : g.outputTypes()) {
            outputs.add(d.allocate(t));
        }
        try (Nd4jExecutable e = (Nd4jExecutable) d.compile(g)) {
            assertTrue(e.ownedBlocks() < g.nodes().size() / 2,
                    "liveness should pool intermediates: " + e.ownedBlocks() + " blocks for " + g.nodes().size() + " nodes");
            e.execute(inputs, outputs);
            double firstLoss = outputs.getFirst().toHost().getDouble(0);
            long allocations = d.allocationCount();
            long javacpp = Pointer.totalBytes();
            for (int step = 0; step < 1000; step++) {
                e.execute(inputs, outputs);
            }
            assertEquals(allocations, d.allocationCount(), "device allocations during steady-state steps");
            assertEquals(javacpp, Pointer.totalBytes(), "JavaCPP native bytes during steady-state steps");
            assertEquals(firstLoss, outputs.getFirst().toHost().getDouble(0), "steps are deterministic");
            assertTrue(firstLoss > 0 && Double.isFinite(firstLoss), "cross-entropy is positive: " + firstLoss);
        } finally {
            inputs.forEach(Buffer::close);
            outputs.forEach(Buffer::close);
        }
    }

    @Test
    void profileAttributesKernelTimeToOpKinds() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 16, 16);
        Graph g = b.buildTensors(List.of(x.matmul(x)));
        try (var e = (Nd4jExecutable) Cpu.DEVICE.compile(g); Buffer in = Cpu.DEVICE.allocate(x.type())) {
            long[] profile = e.profile();
            e.execute(List.of(in)).forEach(Buffer::close);
            assertTrue(profile[dev.lockstep.graph.OpKind.DOT_GENERAL.ordinal()] > 0, "dot time recorded");
            assertEquals(0, profile[dev.lockstep.graph.OpKind.ADD.ordinal()], "no add ran");
        }
    }

    @Test
    void wrongInputTypeNamesTheInput() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 2);
        Graph g = b.buildTensors(List.of(x.add(x)));
        try (var e = Cpu.DEVICE.compile(g); Buffer wrong = Cpu.DEVICE.allocate(TensorType.of(DType.F32, 3));
             Buffer out = Cpu.DEVICE.allocate(TensorType.of(DType.F32, 2))) {
            var ex = assertThrows(IllegalArgumentException.class, () -> e.execute(List.of(wrong), List.of(out)));
            assertTrue(ex.getMessage().contains("input 0") && ex.getMessage().contains("f32[3]"), ex.getMessage());
        }
    }

    @Test
    void outputThatIsAParameterOrRepeatedIsCopied() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.I32, 2);
        Tensor s = x.add(x);
        Graph g = b.buildTensors(List.of(x, s, s, s.reshape(1, 2)));
        var out = Cpu.run(g, HostTensor.ofInts(new int[] {3, 4}, 2));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {3, 4}, (int[]) out.get(0).array());
        for (int k = 1; k < 4; k++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {6, 8}, (int[]) out.get(k).array());
        }
    }

    @Test
    void providersAreRegisteredAndCudaExplainsItsAbsence() {
        assertTrue(Devices.available().contains("cpu"), Devices.available().toString());
        DeviceProvider cuda = Devices.providers().stream().filter(p -> p.name().equals("cuda")).findFirst().orElseThrow();
        // Without -Pcuda and a GPU (the default build) cuda says why it is absent; with both it opens.
        Assumptions.assumeFalse(cuda.isUsable(), "device cuda is usable here; CudaConformanceTest covers it");
        assertTrue(cuda.unusableReason().contains("no CUDA backend/GPU"), cuda.unusableReason());
        var ex = assertThrows(IllegalArgumentException.class, () -> Devices.open("cuda"));
        assertTrue(ex.getMessage().contains("not usable"), ex.getMessage());
    }
}
