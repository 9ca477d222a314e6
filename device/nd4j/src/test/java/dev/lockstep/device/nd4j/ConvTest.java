package dev.lockstep.device.nd4j;

import static dev.lockstep.device.nd4j.Cpu.assertValues;
import static dev.lockstep.device.nd4j.Cpu.run1;

import dev.lockstep.graph.Convolution;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.tensor.DType;
import dev.lockstep.graph.Tensor;
import dev.lockstep.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConvTest {
    private static final float[] X = {1, 2, 3, 4};
    private static final float[] DIFF = {1, -1};

    private static float[] conv1d(Convolution c) {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 1, 4, 1);
        Tensor k = b.input("k", DType.F32, 2, 1, 1);
        return run1(b.buildTensors(List.of(x.conv(k, c))), Cpu.f32(X, 1, 4, 1), Cpu.f32(DIFF, 2, 1, 1)).floats();
    }

    @Test
    void simpleIsCrossCorrelation() {
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {-1, -1, -1}, conv1d(Convolution.simple(1)));
    }

    @Test
    void lhsDilationInsertsHoles() {
        var c = new Convolution(new int[] {1}, new int[] {0}, new int[] {0}, new int[] {2}, new int[] {1}, 1);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {1, -2, 2, -3, 3, -4}, conv1d(c));
    }

    @Test
    void paddingAndStride() {
        var c = new Convolution(new int[] {2}, new int[] {1}, new int[] {1}, new int[] {1}, new int[] {1}, 1);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {-1, -1, 4}, conv1d(c));
    }

    @Test
    void featureGroupsKeepChannelsApart() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 1, 2, 2);
        Tensor k = b.input("k", DType.F32, 1, 1, 2);
        var c = new Convolution(new int[] {1}, new int[] {0}, new int[] {0}, new int[] {1}, new int[] {1}, 2);
        var out = run1(b.buildTensors(List.of(x.conv(k, c))), Cpu.f32(X, 1, 2, 2), Cpu.f32(new float[] {10, 100}, 1, 1, 2));
        assertValues(out, Shape.of(1, 2, 2), 10, 200, 30, 400);
    }

    @Test
    void twoDimensionalWithKernelDilation() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F64, 1, 3, 3, 1);
        Tensor k = b.input("k", DType.F64, 2, 2, 1, 1);
        var c = new Convolution(new int[] {1, 1}, new int[] {0, 0}, new int[] {0, 0}, new int[] {1, 1}, new int[] {2, 2}, 1);
        var out = run1(b.buildTensors(List.of(x.conv(k, c))),
                dev.lockstep.tensor.HostTensor.ofDoubles(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 3, 3, 1),
                dev.lockstep.tensor.HostTensor.ofDoubles(new double[] {1, 1, 1, 1}, 2, 2, 1, 1));
        assertValues(out, Shape.of(1, 1, 1, 1), 20);
    }
}
