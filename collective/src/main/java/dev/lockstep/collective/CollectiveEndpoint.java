package dev.lockstep.collective;

import dev.lockstep.proto.v1.CollectiveGrpc;
import dev.lockstep.proto.v1.SendSummary;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A worker's collective server, started before the worker knows its rank: it listens first (the worker
 * tells the coordinator {@link #localAddress} when it registers) and {@link #join joins} a ring once the
 * coordinator has formed the job. Peers learn the ring at slightly different times, so a peer's stream
 * may arrive before this endpoint has joined: it is parked, with nothing read from it (flow control holds
 * the sender), and routed at the join.
 *
 * <p>{@link #join} happens at most once and returns the {@link GrpcTransport}, which from then on owns
 * the server: closing either closes both. Closing an endpoint that never joined ends its parked streams
 * with {@code UNAVAILABLE}, naming this address.
 */
public final class CollectiveEndpoint implements AutoCloseable {
    /** Headers of a Send stream (rank, world size, token) are a few hundred bytes; more is not a peer. */
    static final int MAX_HEADER_BYTES = 16 << 10;

    private final GrpcTransportSettings settings;
    private final PeerSecurity security;
    private final BufferPool pool;
    private final ChunkMarshaller marshaller;
    private final MethodDescriptor<WireChunk, SendSummary> send;
    private final InboundHandler inbound = new InboundHandler();
    private final Server server;
    private final InetSocketAddress local;
    private GrpcTransport joined;
    private boolean closed;

    private CollectiveEndpoint(InetSocketAddress listen, GrpcTransportSettings settings, PeerSecurity security)
            throws IOException {
        this.settings = settings;
        this.security = security;
        this.pool = new BufferPool(settings.receivePoolBytes());
        this.marshaller = new ChunkMarshaller(pool, settings.maxMessageBytes());
        this.send = CollectiveGrpc.getSendMethod()
                .toBuilder(marshaller, ProtoUtils.marshaller(SendSummary.getDefaultInstance()))
                .build();
        this.server = NettyServerBuilder.forAddress(listen, security.server())
                .directExecutor()
                .flowControlWindow(settings.flowControlWindowBytes())
                .maxInboundMessageSize(settings.maxMessageBytes())
                .maxInboundMetadataSize(MAX_HEADER_BYTES)
                .addService(guarded(ServerServiceDefinition.builder(CollectiveGrpc.SERVICE_NAME)
                        .addMethod(send, inbound)
                        .build(), security))
                .build();
        try {
            server.start();
        } catch (IOException e) {
            throw new IOException("cannot listen for collective streams on " + GrpcTransport.format(listen)
                    + ": " + e.getMessage(), e);
        }
        this.local = (InetSocketAddress) server.getListenSockets().get(0);
    }

    /** The token check wraps this service only, so that others on the server (health) keep their own rules. */
    private static ServerServiceDefinition guarded(ServerServiceDefinition service, PeerSecurity security) {
        byte[] token = security.tokenDigest();
        return token == null ? service
                : ServerInterceptors.intercept(service, new PeerAuthenticator(token, security.refusals()));
    }

    static CollectiveEndpoint start(InetSocketAddress listen, GrpcTransportSettings settings, PeerSecurity security)
            throws IOException {
        return new CollectiveEndpoint(Objects.requireNonNull(listen, "listen"),
                Objects.requireNonNull(settings, "settings"), Objects.requireNonNull(security, "security"));
    }

    /** The bound address (with the real port where {@code listen} asked for port 0). */
    public InetSocketAddress localAddress() {
        return local;
    }

    /**
     * Joins the world {@code ring} (every rank's collective address, in rank order) as {@code rank}:
     * routes the streams parked so far and opens a stream to every peer. {@code ring.get(rank)} must be
     * this endpoint's address (the host may differ where this endpoint listens on a wildcard address).
     *
     * @throws IllegalArgumentException if the rank is out of range, the ring has a duplicate, or the
     *     ring's entry for {@code rank} is not this endpoint
     * @throws IllegalStateException if this endpoint already joined or is closed
     */
    public synchronized GrpcTransport join(int rank, List<InetSocketAddress> ring) {
        Objects.requireNonNull(ring, "ring");
        if (closed) {
            throw new IllegalStateException("the collective endpoint at " + GrpcTransport.format(local)
                    + " is closed; it cannot join as rank " + rank);
        }
        if (joined != null) {
            throw new IllegalStateException("the collective endpoint at " + GrpcTransport.format(local)
                    + " already joined as rank " + joined.rank() + " of " + joined.worldSize()
                    + "; a join happens at most once");
        }
        checkRing(rank, ring);
        GrpcTransport t = new GrpcTransport(this, rank, ring.size(), GrpcTransport.format(ring.get(rank)));
        t.nameRanks(ring); // so that errors about a parked stream name its sender's address
        // Inbound first: what the parked streams say (a peer that closed already) is recorded before a
        // failed connection to that peer could be.
        t.takeInbound();
        t.connect(ring);
        return t;
    }

    private void checkRing(int rank, List<InetSocketAddress> ring) {
        if (rank < 0 || rank >= ring.size()) {
            throw new IllegalArgumentException("rank " + rank + " out of range for a ring of " + ring.size()
                    + " (joining at " + GrpcTransport.format(local) + ")");
        }
        Map<InetSocketAddress, Integer> seen = new HashMap<>();
        for (int r = 0; r < ring.size(); r++) {
            InetSocketAddress a = ring.get(r);
            if (a == null) {
                throw new IllegalArgumentException("the ring has no address for rank " + r);
            }
            Integer before = seen.putIfAbsent(a, r);
            if (before != null) {
                throw new IllegalArgumentException("ranks " + before + " and " + r + " have the same address "
                        + GrpcTransport.format(a) + " in the ring");
            }
        }
        InetSocketAddress own = ring.get(rank);
        if (!isThisEndpoint(own)) {
            throw new IllegalArgumentException("the ring gives rank " + rank + " the address "
                    + GrpcTransport.format(own) + ", but this endpoint listens on " + GrpcTransport.format(local));
        }
    }

    /** Same port, and the same host unless this endpoint listens on every interface. */
    private boolean isThisEndpoint(InetSocketAddress a) {
        if (a.getPort() != local.getPort()) {
            return false;
        }
        if (local.getAddress() == null || local.getAddress().isAnyLocalAddress()) {
            return true;
        }
        return a.isUnresolved() ? a.getHostString().equals(local.getHostString()) : a.getAddress().equals(local.getAddress());
    }

    /** Called by the transport as it is built: from here on it owns the inbound streams and the server. */
    synchronized void attach(GrpcTransport transport, Mailbox mailbox) {
        if (closed || joined != null) { // join checked both; bind's endpoint is new
            throw new IllegalStateException("the collective endpoint at " + GrpcTransport.format(local)
                    + (closed ? " is closed" : " already belongs to rank " + joined.rank()));
        }
        joined = transport;
        inbound.join(new InboundHandler.World(transport.rank(), transport.worldSize(), mailbox));
    }

    /**
     * Closes the joined transport (see {@link GrpcTransport#close}), or, before a join, ends the parked
     * streams with {@code UNAVAILABLE} naming this address and stops the server. Idempotent.
     */
    @Override
    public void close() {
        GrpcTransport t;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            t = joined;
            if (t == null) {
                inbound.refuseUnjoined(Status.UNAVAILABLE.withDescription("the collective endpoint at "
                        + GrpcTransport.format(local) + " closed before it joined a ring"));
            }
        }
        if (t != null) {
            t.close();
        } else {
            // Graceful first, so the parked streams' senders get the status above, not a reset.
            stopServer(false, System.nanoTime() + settings.closeTimeout().toNanos());
        }
    }

    /** Stops the server: now (peers see broken streams), or once open calls end or the deadline passes. */
    void stopServer(boolean now, long deadline) {
        synchronized (this) {
            closed = true;
        }
        if (now) {
            server.shutdownNow();
        } else {
            server.shutdown();
        }
        try {
            if (!server.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                server.shutdownNow();
            }
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
    }

    GrpcTransportSettings settings() {
        return settings;
    }

    PeerSecurity security() {
        return security;
    }

    BufferPool pool() {
        return pool;
    }

    MethodDescriptor<WireChunk, SendSummary> sendMethod() {
        return send;
    }

    ChunkMarshaller marshaller() {
        return marshaller;
    }

    int parkedStreams() {
        return inbound.parkedCount();
    }
}
