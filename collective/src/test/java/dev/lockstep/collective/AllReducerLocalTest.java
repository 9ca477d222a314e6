package dev.lockstep.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.tensor.DType;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AllReducerLocalTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    // 33 and 65 make one chunk a part longer than the next (16 f32 per 64-byte part).
    private static final long[] SIZES = {0, 1, 2, 3, 7, 33, 65, 100, 1000, 10_007};

    /** Small parts so that pipelining splits chunks; thresholds force each algorithm where it applies. */
    private static final CollectiveOptions RING_ONLY =
            CollectiveOptions.defaults().withPartBytes(64).withHalvingDoublingMaxBytes(0);
    private static final CollectiveOptions HD_WHERE_POSSIBLE =
            CollectiveOptions.defaults().withPartBytes(64).withHalvingDoublingMaxBytes(Long.MAX_VALUE);

    @ParameterizedTest(name = "N={0}")
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void everyRankGetsTheDocumentedFixedOrderSumBitForBit(int n) throws Exception {
        for (CollectiveOptions options : List.of(RING_ONLY, HD_WHERE_POSSIBLE)) {
            for (DType dtype : List.of(DType.F32, DType.F64, DType.I64)) {
                for (long e : SIZES) {
                    check(n, dtype, e, options);
                }
            }
        }
    }

    private static void check(int n, DType dtype, long elements, CollectiveOptions options) throws Exception {
        String where = "N=" + n + " " + dtype + " E=" + elements + " " + options;
        List<ByteBuffer> inputs = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            inputs.add(Ranks.input(dtype, elements, r, elements));
        }
        AllReducer.Algorithm algorithm = AllReducer.algorithmFor(n, elements * dtype.byteSize(), options);
        ByteBuffer expected = Ranks.expected(inputs, dtype, algorithm);
        LocalFabric fabric = LocalFabric.create(n);
        try {
            List<Ranks.Outcome<ByteBuffer>> out = Ranks.run(n, LIMIT, rank -> {
                ByteBuffer data = Ranks.copy(inputs.get(rank));
                new AllReducer(fabric.transport(rank), options).reduceBucket(0, dtype, data);
                return data;
            });
            for (int r = 0; r < n; r++) {
                assertEquals(expected, out.get(r).get(), where + " rank " + r);
            }
            if (dtype.isFloating()) {
                assertCloseToPlainSum(inputs, dtype, out.get(0).get(), where);
            }
        } finally {
            fabric.transports().forEach(Transport::close);
        }
    }

    private static void assertCloseToPlainSum(List<ByteBuffer> inputs, DType dtype, ByteBuffer got, String where) {
        int elements = got.remaining() / dtype.byteSize();
        for (int i = 0; i < elements; i++) {
            double sum = 0;
            double scale = 0;
            for (ByteBuffer in : inputs) {
                sum += Ranks.f(in, dtype, i);
                scale += Math.abs(Ranks.f(in, dtype, i));
            }
            double eps = dtype == DType.F32 ? 1e-6 : 1e-14;
            assertEquals(sum, Ranks.f(got, dtype, i), scale * eps * inputs.size(), where + " element " + i);
        }
    }

    /** The expected value really depends on the order: a plain left-to-right sum differs somewhere. */
    @Test
    void fixedOrderDiffersFromLeftToRightSoTheBitwiseCheckCanFail() {
        int n = 5;
        List<ByteBuffer> inputs = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            inputs.add(Ranks.input(DType.F32, 1000, r, 1000));
        }
        ByteBuffer ring = Ranks.expected(inputs, DType.F32, AllReducer.Algorithm.RING);
        boolean differs = false;
        for (int i = 0; i < 1000 && !differs; i++) {
            float plain = 0;
            for (ByteBuffer in : inputs) {
                plain += in.getFloat(4 * i);
            }
            differs = Float.floatToRawIntBits(plain) != Float.floatToRawIntBits(ring.getFloat(4 * i));
        }
        assertTrue(differs);
    }

    @Test
    void algorithmDependsOnlyOnWorldSizeAndBytes() {
        CollectiveOptions o = CollectiveOptions.defaults().withHalvingDoublingMaxBytes(1024);
        assertEquals(AllReducer.Algorithm.NONE, AllReducer.algorithmFor(1, 1 << 20, o));
        assertEquals(AllReducer.Algorithm.HALVING_DOUBLING, AllReducer.algorithmFor(4, 1024, o));
        assertEquals(AllReducer.Algorithm.RING, AllReducer.algorithmFor(4, 1025, o));
        assertEquals(AllReducer.Algorithm.RING, AllReducer.algorithmFor(3, 8, o));
    }

    @Test
    void reducesALayoutOfSeveralBucketsAndDtypesInPlace() throws Exception {
        int n = 3;
        List<TensorSpec> specs = List.of(
                new TensorSpec("enc/kernel", DType.F32, 50),
                new TensorSpec("enc/bias", DType.F32, 5),
                new TensorSpec("enc/steps", DType.I64, 1),
                new TensorSpec("dec/kernel", DType.F64, 40),
                new TensorSpec("dec/bias", DType.F32, 3));
        BucketLayout layout = BucketLayout.of(specs, 200);
        assertEquals(4, layout.buckets().size(), layout.toString());
        LocalFabric fabric = LocalFabric.create(n);
        try {
            List<Ranks.Outcome<Map<String, ByteBuffer>>> out = Ranks.run(n, LIMIT, rank -> {
                Map<String, ByteBuffer> tensors = new LinkedHashMap<>();
                for (TensorSpec t : specs) {
                    tensors.put(t.path(), Ranks.input(t.dtype(), t.elements(), rank, t.path().hashCode()));
                }
                AllReducer reducer = new AllReducer(fabric.transport(rank), RING_ONLY);
                reducer.reduce(layout, tensors);
                return tensors;
            });
            for (TensorSpec t : specs) {
                List<ByteBuffer> inputs = new ArrayList<>();
                for (int r = 0; r < n; r++) {
                    inputs.add(Ranks.input(t.dtype(), t.elements(), r, t.path().hashCode()));
                }
                for (int r = 0; r < n; r++) {
                    ByteBuffer got = out.get(r).get().get(t.path());
                    assertEquals(out.get(0).get().get(t.path()), got, t.path() + " rank " + r);
                    if (t.dtype() == DType.I64) {
                        assertEquals(Ranks.expected(inputs, t.dtype(), AllReducer.Algorithm.RING), got);
                    } else {
                        assertCloseToPlainSum(inputs, t.dtype(), got, t.path());
                    }
                }
            }
        } finally {
            fabric.transports().forEach(Transport::close);
        }
    }

    @Test
    void rejectsBuffersThatDoNotMatchTheLayout() {
        LocalFabric fabric = LocalFabric.create(1);
        BucketLayout layout = BucketLayout.of(List.of(new TensorSpec("w", DType.F32, 4)), 100);
        AllReducer reducer = new AllReducer(fabric.transport(0), CollectiveOptions.defaults());
        Map<String, ByteBuffer> wrong = new HashMap<>();
        wrong.put("w", ByteBuffer.allocate(12));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> reducer.reduce(layout, wrong));
        assertEquals("tensor w: buffer has 12 bytes, the layout expects 16 (4 × f32)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> reducer.reduce(layout, Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> reducer.reduceBucket(0, DType.BF16, ByteBuffer.allocate(8)));
    }

    @Test
    void aSilentPeerProducesANamedTimeout() throws Exception {
        LocalFabric fabric = LocalFabric.create(2);
        CollectiveOptions options = RING_ONLY.withStepTimeout(Duration.ofMillis(200));
        try {
            // Rank 1 never takes part.
            List<Ranks.Outcome<Void>> out = Ranks.run(1, LIMIT, rank -> {
                new AllReducer(fabric.transport(0), options).reduceBucket(2, DType.F32, ByteBuffer.allocate(400));
                return null;
            });
            CollectiveException e = assertInstanceOf(CollectiveException.class, out.get(0).error());
            assertEquals(CollectiveException.Kind.TIMEOUT, e.kind());
            assertEquals(1, e.peerRank());
            assertEquals("all-reduce step 0 of bucket 2 (ring, 2 steps, world size 2, rank 0): "
                    + "no chunk from rank 1 (in-process) within 200 ms", e.getMessage());
        } finally {
            fabric.transports().forEach(Transport::close);
        }
    }

    @Test
    void aRankThatGivesUpPassesItsReasonOn() throws Exception {
        LocalFabric fabric = LocalFabric.create(3);
        try {
            fabric.transport(1).abort(new CollectiveException(CollectiveException.Kind.TIMEOUT, 2, "in-process",
                    "no chunk from rank 2 (in-process) within 5 s").during("all-reduce step 0 of bucket 7"));
            List<Ranks.Outcome<Void>> out = Ranks.run(1, LIMIT, rank -> {
                new AllReducer(fabric.transport(0), RING_ONLY.withStepTimeout(Duration.ofSeconds(30)))
                        .reduceBucket(0, DType.F32, ByteBuffer.allocate(400));
                return null;
            });
            CollectiveException e = assertInstanceOf(CollectiveException.class, out.get(0).error());
            assertEquals(CollectiveException.Kind.PEER_FAILED, e.kind());
            assertEquals(1, e.peerRank());
            assertEquals("all-reduce step 0 of bucket 0 (ring, 4 steps, world size 3, rank 0): rank 1 (in-process) "
                    + "gave up: all-reduce step 0 of bucket 7: no chunk from rank 2 (in-process) within 5 s",
                    e.getMessage());
        } finally {
            fabric.transports().forEach(Transport::close);
        }
    }

    @Test
    void aPeerThatClosesIsNamed() throws Exception {
        LocalFabric fabric = LocalFabric.create(3);
        CollectiveOptions options = RING_ONLY.withStepTimeout(Duration.ofSeconds(30));
        try {
            fabric.transport(2).close();
            List<Ranks.Outcome<Void>> out = Ranks.run(1, LIMIT, rank -> {
                new AllReducer(fabric.transport(0), options).reduceBucket(0, DType.F32, ByteBuffer.allocate(400));
                return null;
            });
            CollectiveException e = assertInstanceOf(CollectiveException.class, out.get(0).error());
            assertEquals(CollectiveException.Kind.PEER_CLOSED, e.kind());
            assertEquals(2, e.peerRank());
            assertTrue(e.getMessage().contains("rank 2 (in-process) closed its transport"), e.getMessage());
        } finally {
            fabric.transports().forEach(Transport::close);
        }
    }
}
