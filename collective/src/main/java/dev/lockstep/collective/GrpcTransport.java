package dev.lockstep.collective;

import dev.lockstep.proto.v1.CollectiveGrpc;
import dev.lockstep.proto.v1.SendSummary;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link Transport} over gRPC on Netty: each rank serves {@code lockstep.v1.Collective} and keeps one
 * {@code Send} stream open to every peer. Two phases, because ports are known only once servers are
 * up: {@link #bind} starts this rank's server, {@link #connect} opens the streams to the peers.
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
    private final GrpcTransportSettings settings;
    private final String[] addresses;
    private final Mailbox mailbox;
    private final BufferPool pool;
    private final MethodDescriptor<WireChunk, SendSummary> send;
    private final Server server;
    private final InetSocketAddress local;
    private final PeerLink[] links;
    private volatile boolean connected;
    private volatile boolean closed;

    private GrpcTransport(int rank, int worldSize, InetSocketAddress listen, GrpcTransportSettings settings)
            throws IOException {
        this.rank = rank;
        this.worldSize = worldSize;
        this.settings = settings;
        this.addresses = new String[worldSize];
        for (int r = 0; r < worldSize; r++) {
            addresses[r] = "not connected";
        }
        this.mailbox = new Mailbox(rank, worldSize, r -> addresses[r]);
        this.links = new PeerLink[worldSize];
        this.pool = new BufferPool(settings.receivePoolBytes());
        this.send = CollectiveGrpc.getSendMethod()
                .toBuilder(new ChunkMarshaller(pool), ProtoUtils.marshaller(SendSummary.getDefaultInstance()))
                .build();
        this.server = NettyServerBuilder.forAddress(listen)
                .directExecutor()
                .flowControlWindow(settings.flowControlWindowBytes())
                .maxInboundMessageSize(settings.maxMessageBytes())
                .addService(ServerServiceDefinition.builder(CollectiveGrpc.SERVICE_NAME)
                        .addMethod(send, new Inbound())
                        .build())
                .build()
                .start();
        this.local = (InetSocketAddress) server.getListenSockets().get(0);
        addresses[rank] = format(local);
    }

    /** Starts this rank's server on {@code listen} (port 0: an ephemeral port, see {@link #localAddress}). */
    public static GrpcTransport bind(int rank, int worldSize, InetSocketAddress listen, GrpcTransportSettings settings)
            throws IOException {
        if (worldSize < 1 || rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("rank " + rank + " out of range for world size " + worldSize);
        }
        return new GrpcTransport(rank, worldSize, Objects.requireNonNull(listen, "listen"),
                Objects.requireNonNull(settings, "settings"));
    }

    public InetSocketAddress localAddress() {
        return local;
    }

    /**
     * Opens a stream to every peer; {@code peers.get(r)} is rank r's server (this rank's own is ignored).
     * Every rank must have bound its server before any rank connects (the coordinator forms the world
     * once all have registered): a peer that cannot be reached is marked failed, not retried.
     */
    public synchronized void connect(List<InetSocketAddress> peers) {
        if (peers.size() != worldSize) {
            throw new IllegalArgumentException("got " + peers.size() + " peer addresses for world size " + worldSize);
        }
        if (connected) {
            throw new IllegalStateException("rank " + rank + " is already connected");
        }
        for (int r = 0; r < worldSize; r++) {
            if (r != rank) {
                addresses[r] = format(peers.get(r));
            }
        }
        for (int r = 0; r < worldSize; r++) {
            if (r != rank) {
                ManagedChannel channel = NettyChannelBuilder.forAddress(peers.get(r))
                        .usePlaintext()
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
        server.shutdownNow();
        for (PeerLink link : links) {
            if (link != null) {
                link.channel.shutdownNow();
            }
        }
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
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

    /** The server side of a peer's stream: routes each chunk to the mailbox under the sender's rank. */
    private final class Inbound implements ServerCallHandler<WireChunk, SendSummary> {
        @Override
        public ServerCall.Listener<WireChunk> startCall(ServerCall<WireChunk, SendSummary> call, Metadata headers) {
            int from;
            try {
                from = Integer.parseInt(Objects.requireNonNullElse(headers.get(RANK), "missing"));
                int theirWorld = Integer.parseInt(Objects.requireNonNullElse(headers.get(WORLD_SIZE), "missing"));
                if (theirWorld != worldSize) {
                    call.close(Status.FAILED_PRECONDITION.withDescription("rank " + from + " has world size "
                            + theirWorld + ", rank " + rank + " has " + worldSize), new Metadata());
                    return new ServerCall.Listener<>() {};
                }
                if (from < 0 || from >= worldSize || from == rank) {
                    throw new NumberFormatException("rank " + from + " is not a peer of rank " + rank);
                }
            } catch (NumberFormatException e) {
                call.close(Status.INVALID_ARGUMENT.withDescription(
                        "bad lockstep-rank or lockstep-world-size header: " + e.getMessage()), new Metadata());
                return new ServerCall.Listener<>() {};
            }
            call.request(1);
            return new ServerCall.Listener<>() {
                private long chunks;
                private boolean done;

                @Override
                public void onMessage(WireChunk chunk) {
                    if (chunk.fromRank() != from) {
                        done = true;
                        String why = "a chunk on its stream claims to come from rank " + chunk.fromRank();
                        mailbox.peerFailed(from, why);
                        call.close(Status.INVALID_ARGUMENT.withDescription(why), new Metadata());
                        return;
                    }
                    if (!chunk.abort().isEmpty()) {
                        mailbox.peerAborted(from, chunk.abort());
                    } else {
                        mailbox.deliver(from, chunk.tag(), chunk.data());
                    }
                    chunks++;
                    call.request(1);
                }

                @Override
                public void onHalfClose() {
                    if (done) {
                        return;
                    }
                    done = true;
                    mailbox.peerClosed(from);
                    call.sendHeaders(new Metadata());
                    call.sendMessage(SendSummary.newBuilder().setChunks(chunks).build());
                    call.close(Status.OK, new Metadata());
                }

                @Override
                public void onCancel() {
                    if (!done) {
                        mailbox.peerFailed(from, "its stream to rank " + rank
                                + " was cut (connection lost, or the process is gone)");
                    }
                }
            };
        }
    }
}
