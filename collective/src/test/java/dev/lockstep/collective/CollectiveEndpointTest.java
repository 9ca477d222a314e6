package dev.lockstep.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.tensor.DType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Endpoints that listen first and join a ring later, as workers do; streams that arrive early wait. */
@Tag("slow")
class CollectiveEndpointTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final CollectiveOptions OPTIONS =
            CollectiveOptions.defaults().withPartBytes(64 << 10).withHalvingDoublingMaxBytes(16 << 10);
    private final List<CollectiveEndpoint> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(CollectiveEndpoint::close);
    }

    private CollectiveEndpoint listen(GrpcTransportSettings settings) throws IOException {
        CollectiveEndpoint e = GrpcTransport.listen(new InetSocketAddress("127.0.0.1", 0), settings);
        opened.add(e);
        return e;
    }

    private List<CollectiveEndpoint> listen(int n) throws IOException {
        List<CollectiveEndpoint> endpoints = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            endpoints.add(listen(GrpcTransportSettings.defaults()));
        }
        return endpoints;
    }

    private static List<InetSocketAddress> ring(List<CollectiveEndpoint> endpoints) {
        return endpoints.stream().map(CollectiveEndpoint::localAddress).toList();
    }

    private static String address(CollectiveEndpoint e) {
        return "127.0.0.1:" + e.localAddress().getPort();
    }

    /** Polls {@code condition} every 10 ms, at most {@code WAIT}. */
    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT + ": " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void aRankThatJoinsLateReceivesWhatItsPeerSentBeforeTheJoin() throws Exception {
        List<CollectiveEndpoint> e = listen(2);
        GrpcTransport one = e.get(1).join(1, ring(e));
        ByteBuffer data = Ranks.input(DType.F32, 1000, 1, 7);
        one.send(0, new ChunkTag(0, 0, 0, 0), data, WAIT);
        awaitTrue("rank 1's stream is parked at rank 0", () -> e.get(0).parkedStreams() == 1);

        GrpcTransport zero = e.get(0).join(0, ring(e));
        assertEquals(0, e.get(0).parkedStreams());
        assertEquals(data, zero.receive(1, new ChunkTag(0, 0, 0, 0), WAIT));
        zero.send(1, new ChunkTag(0, 0, 0, 1), data, WAIT);
        assertEquals(data, one.receive(0, new ChunkTag(0, 0, 0, 1), WAIT));
        assertEquals(address(e.get(1)), zero.address(1));
    }

    @Test
    void flowControlHoldsAnEarlySenderAndNothingItSentIsLost() throws Exception {
        // The smallest window, so a parked stream stops taking chunks after a few.
        GrpcTransportSettings small = new GrpcTransportSettings(65_535, 1 << 20, 16 << 10, Duration.ofSeconds(5), 0);
        List<CollectiveEndpoint> e = List.of(listen(small), listen(small));
        GrpcTransport one = e.get(1).join(1, ring(e));
        int chunks = 40;
        AtomicInteger sent = new AtomicInteger();
        CountDownLatch joined = new CountDownLatch(1);
        List<Ranks.Outcome<Void>> out = Ranks.run(2, LIMIT, rank -> {
            if (rank == 1) {
                for (int i = 0; i < chunks; i++) {
                    one.send(0, new ChunkTag(0, 0, 0, i), Ranks.input(DType.F32, 4096, i, 3), WAIT);
                    sent.incrementAndGet();
                }
                return null;
            }
            try {
                awaitTrue("rank 1's stream is parked at rank 0", () -> e.get(0).parkedStreams() == 1);
                Thread.sleep(300);
                // 40 chunks of 16 KiB cannot fit a 64 KiB window plus a 16 KiB send queue.
                assertTrue(sent.get() < 10, "rank 1 sent " + sent.get() + " chunks to a rank that reads none");
                GrpcTransport zero = e.get(0).join(0, ring(e));
                joined.countDown();
                for (int i = 0; i < chunks; i++) {
                    assertEquals(Ranks.input(DType.F32, 4096, i, 3), zero.receive(1, new ChunkTag(0, 0, 0, i), WAIT),
                            "chunk " + i);
                }
            } catch (InterruptedException ex) {
                throw new AssertionError(ex);
            }
            return null;
        });
        out.get(0).get();
        out.get(1).get();
        assertEquals(chunks, sent.get());
        assertEquals(0, joined.getCount());
    }

    @ParameterizedTest(name = "join order {0}")
    @ValueSource(strings = {"2,0,1", "1,2,0", "0,1,2"})
    void threeEndpointsJoiningInAnyOrderGiveTheInProcessBytes(String order) throws Exception {
        int n = 3;
        int[] joinOrder = java.util.Arrays.stream(order.split(",")).mapToInt(Integer::parseInt).toArray();
        List<CollectiveEndpoint> e = listen(n);
        List<ByteBuffer> inputs = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            inputs.add(Ranks.input(DType.F32, 100_003, r, 5));
        }
        LocalFabric fabric = LocalFabric.create(n);
        List<ByteBuffer> local = new ArrayList<>();
        try {
            for (Ranks.Outcome<ByteBuffer> o : Ranks.run(n, LIMIT, rank -> reduceTwice(fabric.transport(rank),
                    inputs.get(rank)))) {
                local.add(o.get());
            }
        } finally {
            fabric.transports().forEach(Transport::close);
        }
        // Each rank joins once the one before it in joinOrder has joined and the streams of all that have
        // joined wait at its endpoint; then it reduces at once, sending to ranks that have not joined yet.
        List<CountDownLatch> joined = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            joined.add(new CountDownLatch(1));
        }
        List<Ranks.Outcome<ByteBuffer>> grpc = Ranks.run(n, LIMIT, rank -> {
            int position = java.util.Arrays.stream(joinOrder).boxed().toList().indexOf(rank);
            try {
                if (position > 0 && !joined.get(joinOrder[position - 1]).await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                    throw new AssertionError("rank " + joinOrder[position - 1] + " did not join");
                }
                awaitTrue("the streams of the " + position + " ranks that joined wait at rank " + rank,
                        () -> e.get(rank).parkedStreams() == position);
            } catch (InterruptedException ex) {
                throw new AssertionError(ex);
            }
            GrpcTransport t = e.get(rank).join(rank, ring(e));
            joined.get(rank).countDown();
            return reduceTwice(t, inputs.get(rank));
        });
        for (int r = 0; r < n; r++) {
            assertEquals(local.get(0), grpc.get(r).get(), "order " + order + " rank " + r);
        }
    }

    private static ByteBuffer reduceTwice(Transport t, ByteBuffer input) {
        ByteBuffer data = Ranks.copy(input);
        AllReducer reducer = new AllReducer(t, OPTIONS);
        reducer.reduceBucket(0, DType.F32, data);
        reducer.reduceBucket(1, DType.F32, data);
        return data;
    }

    @Test
    void inboundPayloadsAreCopiedStraightOutOfNettysBuffers() throws Exception {
        List<CollectiveEndpoint> e = listen(2);
        GrpcTransport zero = e.get(0).join(0, ring(e));
        GrpcTransport one = e.get(1).join(1, ring(e));
        long bytes = 0;
        for (int part = 0; part < 8; part++) {
            // Up to 4 MiB: a message over many HTTP/2 frames and Netty buffers.
            ByteBuffer data = Ranks.input(DType.F32, 1L << (2 * part + 6), part, 1);
            one.send(0, new ChunkTag(0, 0, 0, part), data, WAIT);
            ByteBuffer got = zero.receive(1, new ChunkTag(0, 0, 0, part), WAIT);
            assertEquals(data, got, "part " + part);
            zero.release(got);
            bytes += data.remaining();
        }
        assertEquals(bytes, e.get(0).marshaller().payloadBytesViaByteBuffer());
        assertEquals(0, e.get(0).marshaller().payloadBytesViaRead());
    }

    @Test
    void aRingWithoutThisEndpointsAddressIsRefusedNamingBoth() throws Exception {
        CollectiveEndpoint e = listen(GrpcTransportSettings.defaults());
        InetSocketAddress elsewhere = new InetSocketAddress("127.0.0.1", e.localAddress().getPort() == 1 ? 2 : 1);
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> e.join(1, List.of(e.localAddress(), elsewhere)));
        assertEquals("the ring gives rank 1 the address 127.0.0.1:" + elsewhere.getPort()
                + ", but this endpoint listens on " + address(e), x.getMessage());

        // The refused join changed nothing: a right one still works, and only once.
        GrpcTransport alone = e.join(0, List.of(e.localAddress()));
        assertEquals(1, alone.worldSize());
        IllegalStateException again = assertThrows(IllegalStateException.class,
                () -> e.join(0, List.of(e.localAddress())));
        assertEquals("the collective endpoint at " + address(e) + " already joined as rank 0 of 1; a join "
                + "happens at most once", again.getMessage());
    }

    @Test
    void closingAnUnjoinedEndpointEndsItsParkedPeersSendsNamingItsAddress() throws Exception {
        List<CollectiveEndpoint> e = listen(2);
        GrpcTransport one = e.get(1).join(1, ring(e));
        ByteBuffer data = ByteBuffer.allocate(400);
        one.send(0, new ChunkTag(0, 0, 0, 0), data, WAIT);
        awaitTrue("rank 1's stream is parked at rank 0", () -> e.get(0).parkedStreams() == 1);

        long start = System.nanoTime();
        e.get(0).close();
        CollectiveException failure = null;
        for (int part = 1; part <= 1000 && failure == null; part++) {
            try {
                one.send(0, new ChunkTag(0, 0, 0, part), data, WAIT);
                Thread.sleep(10);
            } catch (CollectiveException x) {
                failure = x;
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(failure != null, "rank 1 could still send to a closed endpoint after " + took);
        assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "took " + took); // well under the 20 s send deadline
        assertEquals(CollectiveException.Kind.PEER_FAILED, failure.kind(), failure.getMessage());
        assertEquals(0, failure.peerRank());
        assertEquals("rank 0 (" + address(e.get(0)) + ") failed: its stream from rank 1 ended: UNAVAILABLE (the "
                + "collective endpoint at " + address(e.get(0)) + " closed before it joined a ring)",
                failure.getMessage());
        assertThrows(IllegalStateException.class, () -> e.get(0).join(0, ring(e)));
    }

    @Test
    void closingAJoinedEndpointClosesItsTransport() throws Exception {
        List<CollectiveEndpoint> e = listen(2);
        GrpcTransport zero = e.get(0).join(0, ring(e));
        GrpcTransport one = e.get(1).join(1, ring(e));
        e.get(1).close();
        CollectiveException x = assertThrows(CollectiveException.class,
                () -> zero.receive(1, new ChunkTag(0, 0, 0, 0), WAIT));
        assertEquals("rank 1 (" + address(e.get(1)) + ") closed its transport", x.getMessage());
        CollectiveException closed = assertThrows(CollectiveException.class,
                () -> one.send(0, new ChunkTag(0, 0, 0, 0), ByteBuffer.allocate(4), WAIT));
        assertEquals(CollectiveException.Kind.CLOSED, closed.kind());
        one.close(); // idempotent
    }

    @Test
    void aPeerThatClosesBeforeTheJoinDoesNotWaitForItAndIsSeenClosedAfterIt() throws Exception {
        List<CollectiveEndpoint> e = listen(2);
        GrpcTransport one = e.get(1).join(1, ring(e));
        awaitTrue("rank 1's stream is parked at rank 0", () -> e.get(0).parkedStreams() == 1);
        long start = System.nanoTime();
        one.close();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        // Well under the 5 s close timeout: the parked stream's end was acknowledged without a join.
        assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "close took " + took);

        GrpcTransport zero = e.get(0).join(0, ring(e));
        CollectiveException x = assertThrows(CollectiveException.class,
                () -> zero.receive(1, new ChunkTag(0, 0, 0, 0), WAIT));
        assertEquals(CollectiveException.Kind.PEER_CLOSED, x.kind());
        assertEquals("rank 1 (" + address(e.get(1)) + ") closed its transport", x.getMessage());
    }

    @Test
    void aParkedStreamFromAnotherWorldSizeIsRefusedAtTheJoinWithBothSizesNamed() throws Exception {
        List<CollectiveEndpoint> e = listen(3);
        // Rank 1 of a world of 3; endpoint 2 never joins, so rank 1's only refusal comes from endpoint 0.
        GrpcTransport one = e.get(1).join(1, ring(e));
        awaitTrue("rank 1's stream is parked at endpoint 0", () -> e.get(0).parkedStreams() == 1);
        e.get(0).join(0, List.of(e.get(0).localAddress(), e.get(1).localAddress()));
        CollectiveException x = assertThrows(CollectiveException.class,
                () -> one.receive(0, new ChunkTag(0, 0, 0, 0), WAIT));
        assertEquals(CollectiveException.Kind.PEER_FAILED, x.kind());
        assertTrue(x.getMessage().contains("FAILED_PRECONDITION (rank 1 has world size 3, rank 0 has 2)"),
                x.getMessage());
    }
}
