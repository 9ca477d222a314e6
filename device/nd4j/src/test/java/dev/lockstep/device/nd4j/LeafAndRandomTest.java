package dev.lockstep.device.nd4j;

import static dev.lockstep.device.nd4j.Cpu.assertValues;
import static dev.lockstep.device.nd4j.Cpu.run1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.lockstep.tensor.DType;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.LeafOp;
import dev.lockstep.graph.RandomBits;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.Shape;
import dev.lockstep.graph.Threefry;
import dev.lockstep.tensor.TensorType;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeafAndRandomTest {
    @Test
    void iotaAndConstants() {
        GraphBuilder b = new GraphBuilder();
        var iota = b.wrap(b.add(new LeafOp.Iota(TensorType.of(DType.I32, 2, 3), 1)));
        var c = b.constant(TensorType.of(DType.F32, 2), 1.5, -2);
        var splat = b.constant(TensorType.of(DType.I64, 3), 4);
        var out = Cpu.run(b.buildTensors(List.of(iota, c, splat)));
        assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2}, (int[]) out.get(0).array());
        assertValues(out.get(1), Shape.of(2), 1.5, -2);
        assertArrayEquals(new long[] {4, 4, 4}, (long[]) out.get(2).array());
    }

    @Test
    void randomBitsAreThreefryOfKeyAndCounterPlusIndex() {
        GraphBuilder b = new GraphBuilder();
        var key = b.input("key", DType.I64);
        var counter = b.input("counter", DType.I64);
        var r = b.wrap(b.add(new RandomBits(Shape.of(2, 2)), key.node(), counter.node()));
        long k = 0x1234_5678_9ABC_DEF0L, c = -2;
        HostTensor out = run1(b.buildTensors(List.of(r)), HostTensor.ofLongs(new long[] {k}), HostTensor.ofLongs(new long[] {c}));
        int[] bits = (int[]) out.array();
        for (int j = 0; j < 4; j++) {
            // Counter -2 + j crosses zero: the 64-bit block wraps into the high word.
            assertArrayEquals(new int[] {Threefry.hash((int) k, (int) (k >>> 32), (int) (c + j), (int) ((c + j) >>> 32))[0]},
                    new int[] {bits[j]});
        }
        assertNotEquals(bits[0], bits[1]);
    }
}
