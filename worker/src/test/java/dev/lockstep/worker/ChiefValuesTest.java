package dev.lockstep.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.collective.AllReducer;
import dev.lockstep.collective.LocalFabric;
import dev.lockstep.collective.Transport;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.Shape;
import dev.lockstep.tensor.TensorType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every rank starts from rank 0's values, bit for bit: negative zeros, NaN, integers and booleans included. */
class ChiefValuesTest {
    @Test
    void everyRankEndsWithRankZerosValuesBitForBit() throws Exception {
        int n = 3;
        LocalFabric fabric = LocalFabric.create(n);
        try {
            List<Map<String, HostTensor>> out = Workers.run(n, rank -> ChiefValues.broadcast(
                    new AllReducer(fabric.transport(rank), Workers.OPTIONS), rank, values(rank), 16));
            Map<String, HostTensor> chief = values(0);
            for (int r = 0; r < n; r++) {
                Workers.assertBitwiseEqual(chief, out.get(r), "rank " + r);
                assertEquals(List.copyOf(chief.keySet()), List.copyOf(out.get(r).keySet()), "order kept");
            }
            float negZero = out.get(2).get("a/kernel").floats()[0];
            assertTrue(Float.floatToRawIntBits(negZero) == Float.floatToRawIntBits(-0.0f), "-0.0 stays -0.0");
        } finally {
            fabric.transports().forEach(Transport::close);
        }
    }

    /** Different on every rank, as values initialised separately (or read from different checkpoints) would be. */
    private static Map<String, HostTensor> values(int rank) {
        Map<String, HostTensor> m = new LinkedHashMap<>();
        m.put("a/kernel", HostTensor.ofFloats(new float[] {-0.0f, Float.NaN, 1.5f + rank, -3e-39f, 7}, 5));
        m.put("a/kernel/adam_m", HostTensor.ofDoubles(new double[] {-0.0, rank, 2.5}, 3));
        m.put("bn/count", HostTensor.ofLongs(new long[] {41L + rank}, 1));
        m.put("ids", HostTensor.ofInts(new int[] {-7, rank}, 2));
        m.put("mask", HostTensor.wrap(new TensorType(DType.BOOL, Shape.of(2)), new boolean[] {true, rank == 1}));
        return m;
    }
}
