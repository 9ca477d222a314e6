package dev.lockstep.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.collective.AllReducer;
import dev.lockstep.collective.LocalFabric;
import dev.lockstep.collective.Transport;
import dev.lockstep.data.Cursor;
import dev.lockstep.estimator.TrainingState;
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

    /**
     * A replica that joins a running job, or lags a step behind, takes the chief's step, epoch and data
     * position with its values; a chief without a position yet (a fresh job) gives none.
     */
    @Test
    void everyRankTakesTheChiefsStepAndDataPosition() throws Exception {
        int n = 3;
        LocalFabric fabric = LocalFabric.create(n);
        try {
            // Rank 0 is at step 12 of epoch 2 (a cursor of a few dozen bytes); rank 1 at 11; rank 2 is new.
            List<TrainingState> out = Workers.run(n, rank -> ChiefValues.broadcast(
                    new AllReducer(fabric.transport(rank), Workers.OPTIONS), rank, new TrainingState(values(rank),
                            rank == 0 ? 12 : rank == 1 ? 11 : 0, rank == 2 ? null : cursor(rank == 0 ? 96 : 88),
                            rank == 0 ? 2 : 0), 16));
            for (int r = 0; r < n; r++) {
                assertEquals(12, out.get(r).step(), "rank " + r);
                assertEquals(2, out.get(r).epoch(), "rank " + r);
                assertEquals(cursor(96), out.get(r).cursor(), "rank " + r);
                Workers.assertBitwiseEqual(values(0), out.get(r).values(), "rank " + r);
            }
            List<TrainingState> fresh = Workers.run(n, rank -> ChiefValues.broadcast(
                    new AllReducer(fabric.transport(rank), Workers.OPTIONS), rank, new TrainingState(values(rank), 0,
                            rank == 0 ? null : cursor(8), 0), 16));
            for (int r = 0; r < n; r++) {
                assertEquals(null, fresh.get(r).cursor(), "rank " + r + ": the chief has no position yet");
            }
        } finally {
            fabric.transports().forEach(Transport::close);
        }
    }

    private static Cursor cursor(long examples) {
        return new Cursor("batch(8) <- shuffle(64, seed=7) <- range(1000)", new long[][] {{0, examples}, {3}});
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
