package dev.lockstep.collective;

import dev.lockstep.proto.v1.SendSummary;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link Transport} over gRPC on Netty: each rank serves {@code lockstep.v1.Collective} and keeps one
 * {@code Send} stream open to every peer. Two phases, because ports are known only once servers are
 * up. A worker that learns its rank from the coordinator: {@link #listen} starts its server, then
 * {@link CollectiveEndpoint#join} names its rank and the ring and connects. Where the rank is known up
 * front: {@link #bind} starts this rank's server, {@link #connect} opens the streams to the peers. The
 * server side of the streams is {@code InboundHandler}.
 *
 * <p>The streams last as long as the transport; they are connections, not requests, and every wait on
 * them (a send held back by flow control, a receive) has its own deadline. A stream that breaks marks
 * its peer failed, so waits on that peer, and on everyone else, end at once with the peer named.
 * Callbacks run on Netty's threads ({@code directExecutor}): they only parse and enqueue, never block.
 */
public final class GrpcTransport implements Transport {
    static final Metadata.Key<String> RANK = Metadata.Key.of("lockstep-rank", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> WORLD_SIZE =
            Metadata.Key.of("lockstep-world-size", Metadata.ASCII_STRING_MARSHALLER);

    private final int rank;
    private final int worldSize;
    private final CollectiveEndpoint endpoint;
    private final GrpcTransportSettings settings;
    private final String[] addresses;
    private final Mailbox mailbox;
    private final BufferPool pool;
    private final MethodDescriptor<WireChunk, SendSummary> send;
    private final PeerLink[] links;
    private volatile boolean connected;
    private volatile boolean closed;

    /** A rank on {@code endpoint}'s server; {@link #takeInbound} then routes its streams here. */
    GrpcTransport(CollectiveEndpoint endpoint, int rank, int worldSize, String ownAddress) {
        this.rank = rank;
        this.worldSize = worldSize;
        this.endpoint = endpoint;
        this.settings = endpoint.settings();
        this.addresses = new String[worldSize];
        for (int r = 0; r < worldSize; r++) {
            addresses[r] = "not connected";
        }
        addresses[rank] = ownAddress;
        this.mailbox = new Mailbox(rank, worldSize, r -> addresses[r]);
        this.links = new PeerLink[worldSize];
        this.pool = endpoint.pool();
        this.send = endpoint.sendMethod();
    }

    /** From now on the endpoint's parked and future inbound streams go to this rank's mailbox. */
    void takeInbound() {
        endpoint.attach(this, mailbox);
    }

    /**
     * Starts a collective server on {@code listen} (port 0: an ephemeral port) before this process knows
     * its rank; {@link CollectiveEndpoint#join} later makes it a rank of a world.
     */
    public static CollectiveEndpoint listen(InetSocketAddress listen, GrpcTransportSettings settings)
            throws IOException {
        return listen(listen, settings, PeerSecurity.insecure());
    }

    /** {@link #listen(InetSocketAddress, GrpcTransportSettings)} with TLS and a token as {@code security} says. */
    public static CollectiveEndpoint listen(InetSocketAddress listen, GrpcTransportSettings settings,
                                            PeerSecurity security) throws IOException {
        return CollectiveEndpoint.start(listen, settings, security);
    }

    /**
     * Starts this rank's server on {@code listen} (port 0: an ephemeral port, see {@link #localAddress});
     * {@link #connect} then opens the streams to the peers. For a process that knows its rank and world
     * size before it listens; otherwise see {@link #listen}.
     */
    public static GrpcTransport bind(int rank, int worldSize, InetSocketAddress listen, GrpcTransportSettings settings)
            throws IOException {
        return bind(rank, worldSize, listen, settings, PeerSecurity.insecure());
    }

    /** {@link #bind(int, int, InetSocketAddress, GrpcTransportSettings)} with TLS and a token as {@code security} says. */
    public static GrpcTransport bind(int rank, int worldSize, InetSocketAddress listen, GrpcTransportSettings settings,
                                     PeerSecurity security) throws IOException {
        if (worldSize < 1 || rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("rank " + rank + " out of range for world size " + worldSize);
        }
        CollectiveEndpoint endpoint = CollectiveEndpoint.start(listen, settings, security);
        GrpcTransport t = new GrpcTransport(endpoint, rank, worldSize, format(endpoint.localAddress()));
        t.takeInbound();
        return t;
    }

    public InetSocketAddress localAddress() {
        return endpoint.localAddress();
    }

    /**
     * Opens a stream to every peer; {@code peers.get(r)} is rank r's server (this rank's own is ignored).
     * Every rank must be listening before any rank connects (the coordinator forms the world once all
     * have registered): a peer that cannot be reached is marked failed, not retried.
     */
    public synchronized void connect(List<InetSocketAddress> peers) {
        if (peers.size() != worldSize) {
            throw new IllegalArgumentException("got " + peers.size() + " peer addresses for world size " + worldSize);
        }
        if (connected) {
            throw new IllegalStateException("rank " + rank + " is already connected");
        }
        if (closed) {
            throw new IllegalStateException("rank " + rank + " (" + addresses[rank] + ") is closed");
        }
        nameRanks(peers);
        PeerSecurity security = endpoint.security();
        for (int r = 0; r < worldSize; r++) {
            if (r != rank) {
                NettyChannelBuilder builder = NettyChannelBuilder.forAddress(peers.get(r), security.peers());
                security.authority().ifPresent(builder::overrideAuthority);
                ManagedChannel channel = builder
                        .directExecutor()
                        // A retry would replay a chunk from the caller's buffer after send returned.
                        .disableRetry()
                        .flowControlWindow(settings.flowControlWindowBytes())
                        .maxInboundMessageSize(settings.maxMessageBytes())
                        .build();
                links[r] = new PeerLink(r, channel);
            }
        }
        connected = true;
    }

    /** Records every peer's address for error messages; {@code peers.size()} is the world size. */
    void nameRanks(List<InetSocketAddress> peers) {
        for (int r = 0; r < worldSize; r++) {
            if (r != rank) {
                addresses[r] = format(peers.get(r));
            }
        }
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int worldSize() {
        return worldSize;
    }

    @Override
    public String address(int r) {
        return addresses[r];
    }

    @Override
    public void send(int to, ChunkTag tag, ByteBuffer data, Duration timeout) {
        if (!connected) {
            throw new IllegalStateException("rank " + rank + ": connect() before sending");
        }
        if (to == rank) {
            throw new IllegalArgumentException("rank " + rank + " cannot send to itself");
        }
        links[to].send(tag, data, timeout);
    }

    @Override
    public ByteBuffer receive(int from, ChunkTag tag, Duration timeout) {
        return mailbox.take(from, tag, timeout);
    }

    @Override
    public void release(ByteBuffer received) {
        pool.give(received);
    }

    /**
     * Ends this rank's streams (peers see an orderly close), waits up to the close timeout for the peers
     * to acknowledge, then stops the server and the channels.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long deadline = System.nanoTime() + settings.closeTimeout().toNanos();
        for (PeerLink link : links) {
            if (link != null) {
                link.signal(); // a send waiting for flow control sees the close and lets go of the stream
                link.finish();
            }
        }
        for (PeerLink link : links) {
            if (link != null) {
                link.awaitEnd(deadline);
            }
        }
        shutDown();
    }

    @Override
    public synchronized void abort(CollectiveException cause) {
        if (!closed && connected) {
            for (PeerLink link : links) {
                if (link != null) {
                    link.tryAbort(cause.getMessage());
                }
            }
        }
        close();
    }

    /** Stops everything at once, as a process that dies would: peers see broken streams, not a close. */
    synchronized void kill() {
        closed = true;
        shutDown();
    }

    private void shutDown() {
        mailbox.close();
        for (PeerLink link : links) {
            if (link != null) {
                link.channel.shutdownNow();
            }
        }
        endpoint.stopServer(true, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        try {
            for (PeerLink link : links) {
                if (link != null) {
                    link.channel.awaitTermination(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private CollectiveException closedError() {
        return new CollectiveException(CollectiveException.Kind.CLOSED, -1, null,
                "the transport of rank " + rank + " (" + addresses[rank] + ") is closed");
    }

    static String format(InetSocketAddress a) {
        String host = a.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** This rank's stream to one peer. */
    private final class PeerLink {
        private final int peer;
        private final ManagedChannel channel;
        private final ClientCall<WireChunk, SendSummary> call;
        private final ReentrantLock sendLock = new ReentrantLock();
        private final ReentrantLock stateLock = new ReentrantLock();
        private final Condition ready = stateLock.newCondition();
        private final CountDownLatch ended = new CountDownLatch(1);
        private volatile boolean finishing;

        PeerLink(int peer, ManagedChannel channel) {
            this.peer = peer;
            this.channel = channel;
            this.call = channel.newCall(send, CallOptions.DEFAULT.withOnReadyThreshold(settings.onReadyThresholdBytes()));
            Metadata headers = new Metadata();
            headers.put(RANK, Integer.toString(rank));
            headers.put(WORLD_SIZE, Integer.toString(worldSize));
            call.start(new ClientCall.Listener<>() {
                @Override
                public void onReady() {
                    signal();
                }

                @Override
                public void onClose(Status status, Metadata trailers) {
                    if (!finishing || !status.isOk()) {
                        mailbox.peerFailed(peer, "its stream from rank " + rank + " ended: " + describe(status));
                    }
                    ended.countDown();
                    signal();
                }
            }, headers);
            call.request(1);
        }

        private void signal() {
            stateLock.lock();
            try {
                ready.signalAll();
            } finally {
                stateLock.unlock();
            }
        }

        void send(ChunkTag tag, ByteBuffer data, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                if (!sendLock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                    throw timeout(timeout);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw closedError();
            }
            try {
                awaitReady(deadline, timeout);
                // Framing drains the payload into Netty's buffers before sendMessage returns.
                call.sendMessage(new WireChunk(rank, tag, data.duplicate()));
            } finally {
                sendLock.unlock();
            }
        }

        private void awaitReady(long deadline, Duration timeout) {
            stateLock.lock();
            try {
                while (true) {
                    if (closed) {
                        throw closedError();
                    }
                    CollectiveException failure = mailbox.peerState(peer);
                    if (failure != null) {
                        throw failure;
                    }
                    if (call.isReady()) {
                        return;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw timeout(timeout);
                    }
                    ready.awaitNanos(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw closedError();
            } finally {
                stateLock.unlock();
            }
        }

        private CollectiveException timeout(Duration timeout) {
            return new CollectiveException(CollectiveException.Kind.TIMEOUT, peer, addresses[peer],
                    "rank " + peer + " (" + addresses[peer] + ") did not take a chunk within "
                            + CollectiveException.format(timeout) + " (its receive window stayed full)");
        }

        /** Sends the abort notice if the stream can take it now; never waits. */
        void tryAbort(String why) {
            if (!sendLock.tryLock()) {
                return;
            }
            try {
                if (mailbox.peerState(peer) == null && call.isReady()) {
                    call.sendMessage(new WireChunk(rank, new ChunkTag(-1, -1, -1, -1),
                            ByteBuffer.allocate(0), why.isEmpty() ? "no reason given" : why));
                }
            } catch (RuntimeException e) {
                // Best effort: the peer will see this rank's streams end instead.
            } finally {
                sendLock.unlock();
            }
        }

        void finish() {
            finishing = true;
            sendLock.lock();
            try {
                call.halfClose();
            } catch (IllegalStateException alreadyClosed) {
                // The call ended already (the peer failed); nothing to finish.
            } finally {
                sendLock.unlock();
            }
        }

        void awaitEnd(long deadline) {
            try {
                if (!ended.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    call.cancel("rank " + rank + " closed its transport", null);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                call.cancel("interrupted while closing", e);
            }
        }
    }

    private static String describe(Status status) {
        return status.getCode() + (status.getDescription() == null ? "" : " (" + status.getDescription() + ")");
    }
}
