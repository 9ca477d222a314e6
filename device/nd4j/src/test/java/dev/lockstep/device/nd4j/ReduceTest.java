package dev.lockstep.device.nd4j;

import static dev.lockstep.device.nd4j.Cpu.assertValues;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.tensor.DType;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Tensor;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReduceTest {
    @Test
    void sumMaxMinOverAxes() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 2, 3);
        var out = Cpu.run(b.buildTensors(List.of(x.sum(0), x.sum(1), x.sumAll(), x.reduceMax(1), x.reduceMin(0))),
                Cpu.f32(new float[] {1, -2, 3, 4, 5, -6}, 2, 3));
        assertValues(out.get(0), Shape.of(3), 5, 3, -3);
        assertValues(out.get(1), Shape.of(2), 2, 3);
        assertValues(out.get(2), Shape.scalar(), 5);
        assertValues(out.get(3), Shape.of(2), 3, 5);
        assertValues(out.get(4), Shape.of(3), 1, -2, -6);
    }

    @Test
    void reduceOverMiddleAxisOfRank3() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F64, 2, 2, 2);
        var out = Cpu.run(b.buildTensors(List.of(x.sum(1), x.sum(0, 2))),
                HostTensor.ofDoubles(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2));
        assertValues(out.get(0), Shape.of(2, 2), 4, 6, 12, 14);
        assertValues(out.get(1), Shape.of(2), 14, 22);
    }

    @Test
    void maxPropagatesNaNAndIntegerSumsAreExact() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 3);
        Tensor i = b.input("i", DType.I64, 2);
        var out = Cpu.run(b.buildTensors(List.of(x.reduceMax(0), i.sum(0))),
                Cpu.f32(new float[] {1, Float.NaN, 3}, 3), HostTensor.ofLongs(new long[] {1L << 60, 1}, 2));
        assertTrue(Double.isNaN(out.get(0).toDoubles()[0]));
        assertArrayEquals(new long[] {(1L << 60) + 1}, (long[]) out.get(1).array());
    }

    @Test
    void argMaxPicksFirstOfTies() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 2, 3);
        var out = Cpu.run(b.buildTensors(List.of(x.argmax(1), x.argmax(0))), Cpu.f32(new float[] {1, 3, 3, 7, 2, 7}, 2, 3));
        assertArrayEquals(new int[] {1, 0}, (int[]) out.get(0).array());
        assertArrayEquals(new int[] {1, 0, 1}, (int[]) out.get(1).array());
    }
}
