package dev.lockstep.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.tensor.DType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** N ranks as threads in one JVM, each with its own gRPC server on an ephemeral loopback port. */
@Tag("slow")
class GrpcTransportTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final CollectiveOptions OPTIONS =
            CollectiveOptions.defaults().withPartBytes(64 << 10).withHalvingDoublingMaxBytes(16 << 10);
    private final List<GrpcTransport> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(GrpcTransport::close);
    }

    private List<GrpcTransport> world(int n) throws IOException {
        List<GrpcTransport> world = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            GrpcTransport t = GrpcTransport.bind(r, n, new InetSocketAddress("127.0.0.1", 0),
                    GrpcTransportSettings.defaults());
            opened.add(t);
            world.add(t);
        }
        List<InetSocketAddress> addresses = world.stream().map(GrpcTransport::localAddress).toList();
        world.forEach(t -> t.connect(addresses));
        return world;
    }

    private static List<ByteBuffer> reduceAll(List<? extends Transport> world, DType dtype, List<ByteBuffer> inputs,
            CollectiveOptions options) throws InterruptedException {
        List<Ranks.Outcome<ByteBuffer>> out = Ranks.run(world.size(), LIMIT, rank -> {
            ByteBuffer data = Ranks.copy(inputs.get(rank));
            AllReducer reducer = new AllReducer(world.get(rank), options);
            // Twice, so operation numbering across calls is exercised; the second sums the first's result.
            reducer.reduceBucket(0, dtype, data);
            reducer.reduceBucket(1, dtype, data);
            return data;
        });
        List<ByteBuffer> results = new ArrayList<>();
        for (Ranks.Outcome<ByteBuffer> o : out) {
            results.add(o.get());
        }
        return results;
    }

    @ParameterizedTest(name = "N={0}")
    @ValueSource(ints = {2, 3, 4}) // 4: halving/doubling partners that are not ring neighbours
    void givesTheSameBytesAsInProcess(int n) throws Exception {
        List<GrpcTransport> world = world(n);
        for (DType dtype : List.of(DType.F32, DType.F64)) {
            for (long e : new long[] {0, 1, 5, 1000, 100_000, 300_001}) {
                List<ByteBuffer> inputs = new ArrayList<>();
                for (int r = 0; r < n; r++) {
                    inputs.add(Ranks.input(dtype, e, r, e + 11));
                }
                LocalFabric fabric = LocalFabric.create(n);
                List<ByteBuffer> local;
                try {
                    local = reduceAll(fabric.transports(), dtype, inputs, OPTIONS);
                } finally {
                    fabric.transports().forEach(Transport::close);
                }
                List<ByteBuffer> grpc = reduceAll(world, dtype, inputs, OPTIONS);
                for (int r = 0; r < n; r++) {
                    assertEquals(local.get(0), grpc.get(r), "N=" + n + " " + dtype + " E=" + e + " rank " + r);
                }
            }
        }
    }

    @Test
    void aPeerThatNeverAnswersIsNamedWithItsAddressWhenTheDeadlinePasses() throws Exception {
        List<GrpcTransport> world = world(2);
        CollectiveOptions options = OPTIONS.withStepTimeout(Duration.ofMillis(300));
        List<Ranks.Outcome<Void>> out = Ranks.run(1, LIMIT, rank -> {
            new AllReducer(world.get(0), options).reduceBucket(4, DType.F32, ByteBuffer.allocate(4000));
            return null;
        });
        CollectiveException e = assertInstanceOf(CollectiveException.class, out.get(0).error());
        assertEquals(CollectiveException.Kind.TIMEOUT, e.kind());
        assertEquals(1, e.peerRank());
        String address = "127.0.0.1:" + world.get(1).localAddress().getPort();
        assertEquals(address, e.peerAddress());
        assertEquals("all-reduce step 0 of bucket 4 (halving/doubling, 2 steps, world size 2, rank 0): "
                + "no chunk from rank 1 (" + address + ") within 300 ms", e.getMessage());
    }

    @Test
    void aPeerThatDiesMidOperationIsNamedBeforeTheDeadline() throws Exception {
        List<GrpcTransport> world = world(3);
        // Long enough that a TIMEOUT here would mean the failure went unnoticed.
        CollectiveOptions options = OPTIONS.withStepTimeout(Duration.ofSeconds(30));
        List<Transport> ranks = List.of(world.get(0), world.get(1), new DiesAfterFirstReceive(world.get(2)));
        List<Ranks.Outcome<Void>> out = Ranks.run(3, LIMIT, rank -> {
            try {
                new AllReducer(ranks.get(rank), options).reduceBucket(0, DType.F32, ByteBuffer.allocate(400_000));
            } catch (CollectiveException e) {
                ranks.get(rank).abort(e);
                throw e;
            }
            return null;
        });
        String dead = "rank 2 (127.0.0.1:" + world.get(2).localAddress().getPort() + ")";
        for (int r = 0; r < 2; r++) {
            CollectiveException e = assertInstanceOf(CollectiveException.class, out.get(r).error(), "rank " + r);
            assertEquals(CollectiveException.Kind.PEER_FAILED, e.kind(), e.getMessage());
            assertTrue(e.getMessage().startsWith("all-reduce step "), e.getMessage());
            // Directly, or through the notice of a rank that gave up because of it.
            assertTrue(e.getMessage().contains(dead + " failed"), e.getMessage());
        }
    }

    @Test
    void aPeerOfAnotherWorldSizeIsRefusedWithBothSizesNamed() throws Exception {
        GrpcTransport two = GrpcTransport.bind(0, 2, new InetSocketAddress("127.0.0.1", 0), GrpcTransportSettings.defaults());
        opened.add(two);
        GrpcTransport three = GrpcTransport.bind(1, 3, new InetSocketAddress("127.0.0.1", 0), GrpcTransportSettings.defaults());
        opened.add(three);
        two.connect(List.of(two.localAddress(), three.localAddress()));
        CollectiveException e = assertThrowsCollective(
                () -> two.receive(1, new ChunkTag(0, 0, 0, 0), Duration.ofSeconds(30)));
        assertEquals(CollectiveException.Kind.PEER_FAILED, e.kind());
        assertEquals(1, e.peerRank());
        assertTrue(e.getMessage().contains("FAILED_PRECONDITION (rank 0 has world size 2, rank 1 has 3)"),
                e.getMessage());
    }

    private static CollectiveException assertThrowsCollective(Runnable r) {
        return org.junit.jupiter.api.Assertions.assertThrows(CollectiveException.class, r::run);
    }

    /** Rank 2 as a process that dies: after its first receive its sockets close without a goodbye. */
    private static final class DiesAfterFirstReceive implements Transport {
        private final GrpcTransport delegate;
        private int receives;

        DiesAfterFirstReceive(GrpcTransport delegate) {
            this.delegate = delegate;
        }

        @Override
        public int rank() {
            return delegate.rank();
        }

        @Override
        public int worldSize() {
            return delegate.worldSize();
        }

        @Override
        public String address(int rank) {
            return delegate.address(rank);
        }

        @Override
        public void send(int to, ChunkTag tag, ByteBuffer data, Duration timeout) {
            delegate.send(to, tag, data, timeout);
        }

        @Override
        public ByteBuffer receive(int from, ChunkTag tag, Duration timeout) {
            ByteBuffer got = delegate.receive(from, tag, timeout);
            if (++receives == 1) {
                delegate.kill();
            }
            return got;
        }

        @Override
        public void close() {
            delegate.close();
        }

        @Override
        public void abort(CollectiveException cause) {
            delegate.abort(cause);
        }
    }
}
