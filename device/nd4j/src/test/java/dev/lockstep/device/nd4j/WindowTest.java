package dev.lockstep.device.nd4j;

import static dev.lockstep.device.nd4j.Cpu.assertValues;
import static dev.lockstep.device.nd4j.Cpu.run1;

import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.ReduceOp;
import dev.lockstep.tensor.DType;
import dev.lockstep.graph.Tensor;
import dev.lockstep.graph.WindowOp;
import dev.lockstep.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowTest {
    // 4x4 ramp 0..15.
    private static float[] ramp() {
        float[] v = new float[16];
        for (int i = 0; i < 16; i++) {
            v[i] = i;
        }
        return v;
    }

    @Test
    void maxPool2x2Stride2() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 4, 4);
        Tensor p = x.reduceWindow(ReduceOp.Reduction.MAX, new int[] {2, 2}, new int[] {2, 2}, new int[2], new int[2]);
        assertValues(run1(b.buildTensors(List.of(p)), Cpu.f32(ramp(), 4, 4)), Shape.of(2, 2), 5, 7, 13, 15);
    }

    @Test
    void sumWindowWithPaddingAddsNothingForPads() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 4);
        Tensor p = x.reduceWindow(ReduceOp.Reduction.SUM, new int[] {3}, new int[] {2}, new int[] {1}, new int[] {1});
        // padded [0 | 1 2 3 4 | 0], windows at 0, 2: (0+1+2), (2+3+4).
        assertValues(run1(b.buildTensors(List.of(p)), Cpu.f32(new float[] {1, 2, 3, 4}, 4)), Shape.of(2), 3, 9);
    }

    @Test
    void maxWithPaddingIgnoresPadsEvenForNegatives() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 2);
        Tensor p = x.reduceWindow(ReduceOp.Reduction.MAX, new int[] {2}, new int[] {1}, new int[] {1}, new int[] {1});
        assertValues(run1(b.buildTensors(List.of(p)), Cpu.f32(new float[] {-3, -5}, 2)), Shape.of(3), -3, -3, -5);
    }

    @Test
    void selectAndScatterRoutesToFirstMax() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 4);
        Tensor s = b.input("s", DType.F32, 3);
        var op = new WindowOp.SelectAndScatter(new int[] {2}, new int[] {1}, new int[] {0}, new int[] {0});
        var r = b.wrap(b.add(op, x.node(), s.node()));
        // windows [7,7] -> index 0 (first max), [7,1] -> 1, [1,9] -> 3.
        var out = run1(b.buildTensors(List.of(r)), Cpu.f32(new float[] {7, 7, 1, 9}, 4), Cpu.f32(new float[] {10, 20, 30}, 3));
        assertValues(out, Shape.of(4), 10, 20, 0, 30);
    }

    @Test
    void channelsLastPoolingWithPaddingAndTies() {
        // x[w][c] = [[1,5],[3,2],[3,7]], window 2 along w with one pad in front; channels pooled apart.
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 1, 3, 2);
        Tensor s = b.input("s", DType.F32, 1, 3, 2);
        int[] window = {1, 2, 1}, strides = {1, 1, 1}, low = {0, 1, 0}, high = {0, 0, 0};
        Tensor p = x.reduceWindow(ReduceOp.Reduction.MAX, window, strides, low, high);
        var sas = b.wrap(b.add(new WindowOp.SelectAndScatter(window, strides, low, high), x.node(), s.node()));
        var out = Cpu.run(b.buildTensors(List.of(p, sas)), Cpu.f32(new float[] {1, 5, 3, 2, 3, 7}, 1, 3, 2),
                Cpu.f32(new float[] {10, 20, 30, 40, 50, 60}, 1, 3, 2));
        assertValues(out.get(0), Shape.of(1, 3, 2), 1, 5, 3, 5, 3, 7);
        // Channel 0 of the last window ties (3, 3): the first one takes the 50.
        assertValues(out.get(1), Shape.of(1, 3, 2), 10, 60, 80, 0, 0, 60);
    }
}
