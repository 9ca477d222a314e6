package dev.lockstep.collective;

import dev.lockstep.proto.v1.SendSummary;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The server side of the peers' {@code Send} streams, for one endpoint. Until the endpoint joins a world
 * a stream is parked: nothing is requested from it, so HTTP/2 flow control holds the sender once its
 * window is full, and nothing it sent is lost. At {@link #join} every parked stream is checked against
 * the world (rank and world-size headers) and either routed to the mailbox or refused.
 *
 * <p>Runs on Netty's threads ({@code directExecutor}). The locks are held only briefly, and contended only
 * while a join or close hands the parked streams over.
 */
final class InboundHandler implements ServerCallHandler<WireChunk, SendSummary> {
    /** More parked streams than any sane world has peers: something is reconnecting in a loop. */
    static final int MAX_PARKED = 1024;

    private final ReentrantLock lock = new ReentrantLock();
    private final Set<Stream> parked = new LinkedHashSet<>();
    private World world;
    private Status refusal;

    /** The joined world: this rank, the world size, and where its chunks go. */
    record World(int rank, int worldSize, Mailbox mailbox) {}

    @Override
    public ServerCall.Listener<WireChunk> startCall(ServerCall<WireChunk, SendSummary> call, Metadata headers) {
        int from;
        int theirWorld;
        try {
            from = Integer.parseInt(Objects.requireNonNullElse(headers.get(GrpcTransport.RANK), "missing"));
            theirWorld = Integer.parseInt(Objects.requireNonNullElse(headers.get(GrpcTransport.WORLD_SIZE), "missing"));
        } catch (NumberFormatException e) {
            call.close(Status.INVALID_ARGUMENT.withDescription(
                    "bad lockstep-rank or lockstep-world-size header: " + e.getMessage()), new Metadata());
            return new ServerCall.Listener<>() {};
        }
        Stream stream = new Stream(call, from, theirWorld);
        World joined;
        lock.lock();
        try {
            if (refusal != null) {
                call.close(refusal, new Metadata());
                return new ServerCall.Listener<>() {};
            }
            joined = world;
            if (joined == null) {
                if (parked.size() >= MAX_PARKED) {
                    call.close(Status.RESOURCE_EXHAUSTED.withDescription(MAX_PARKED + " streams (this one from rank "
                            + from + ") are already waiting for this endpoint to join a ring"), new Metadata());
                    return new ServerCall.Listener<>() {};
                }
                parked.add(stream);
                return stream;
            }
        } finally {
            lock.unlock();
        }
        stream.route(joined);
        return stream;
    }

    /** Routes the parked streams to {@code joined}, and every later one as it arrives. At most once. */
    void join(World joined) {
        List<Stream> waiting;
        lock.lock();
        try {
            if (world != null) {
                throw new IllegalStateException("inbound streams are already routed to rank " + world.rank());
            }
            if (refusal != null) {
                throw new IllegalStateException("inbound streams are refused: " + refusal.getDescription());
            }
            world = joined;
            waiting = new ArrayList<>(parked);
            parked.clear();
        } finally {
            lock.unlock();
        }
        for (Stream s : waiting) {
            s.route(joined);
        }
    }

    /** Ends every parked stream, and refuses every later one, with {@code status}; a no-op once joined. */
    void refuseUnjoined(Status status) {
        List<Stream> waiting;
        lock.lock();
        try {
            if (world != null || refusal != null) {
                return;
            }
            refusal = status;
            waiting = new ArrayList<>(parked);
            parked.clear();
        } finally {
            lock.unlock();
        }
        for (Stream s : waiting) {
            s.refuse(status);
        }
    }

    int parkedCount() {
        lock.lock();
        try {
            return parked.size();
        } finally {
            lock.unlock();
        }
    }

    private void unpark(Stream s) {
        lock.lock();
        try {
            parked.remove(s);
        } finally {
            lock.unlock();
        }
    }

    /**
     * One peer's stream. Its lock orders the hand-over (on the joining thread) against gRPC's callbacks
     * (on Netty's), since a {@link ServerCall} must not be used from two threads at once.
     */
    private final class Stream extends ServerCall.Listener<WireChunk> {
        private final ReentrantLock streamLock = new ReentrantLock();
        private final ServerCall<WireChunk, SendSummary> call;
        private final int from;
        private final int theirWorld;
        private World routedTo;
        private boolean halfClosedWhileParked;
        private boolean done;
        private long chunks;

        Stream(ServerCall<WireChunk, SendSummary> call, int from, int theirWorld) {
            this.call = call;
            this.from = from;
            this.theirWorld = theirWorld;
        }

        void route(World w) {
            streamLock.lock();
            try {
                if (done) {
                    return;
                }
                Status misfit = misfit(w);
                done = misfit != null || halfClosedWhileParked;
                if (halfClosedWhileParked) {
                    if (misfit == null) {
                        w.mailbox().peerClosed(from); // it was answered when it half-closed
                    }
                } else if (misfit != null) {
                    call.close(misfit, new Metadata());
                } else {
                    routedTo = w;
                    call.request(1);
                }
            } finally {
                streamLock.unlock();
            }
        }

        /** Why this stream does not belong to {@code w}, or null if it does. */
        private Status misfit(World w) {
            if (theirWorld != w.worldSize()) {
                return Status.FAILED_PRECONDITION.withDescription("rank " + from + " has world size " + theirWorld
                        + ", rank " + w.rank() + " has " + w.worldSize());
            }
            if (from < 0 || from >= w.worldSize() || from == w.rank()) {
                return Status.INVALID_ARGUMENT.withDescription("bad lockstep-rank or lockstep-world-size header: "
                        + "rank " + from + " is not a peer of rank " + w.rank());
            }
            return null;
        }

        void refuse(Status status) {
            streamLock.lock();
            try {
                if (!done && !halfClosedWhileParked) {
                    call.close(status, new Metadata());
                }
                done = true;
            } finally {
                streamLock.unlock();
            }
        }

        @Override
        public void onMessage(WireChunk chunk) {
            streamLock.lock();
            try {
                if (done || routedTo == null) {
                    return; // requested only once routed; after a refusal the call is closed already
                }
                Mailbox mailbox = routedTo.mailbox();
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
            } finally {
                streamLock.unlock();
            }
        }

        @Override
        public void onHalfClose() {
            streamLock.lock();
            try {
                if (done || halfClosedWhileParked) {
                    return;
                }
                if (routedTo == null) {
                    // Only a stream that sent nothing half-closes unread: answer now, so the sender's close
                    // need not wait for a join that may never come, and tell the mailbox at the join.
                    halfClosedWhileParked = true;
                    answer();
                } else {
                    done = true;
                    routedTo.mailbox().peerClosed(from);
                    answer();
                }
            } finally {
                streamLock.unlock();
            }
        }

        private void answer() {
            call.sendHeaders(new Metadata());
            call.sendMessage(SendSummary.newBuilder().setChunks(chunks).build());
            call.close(Status.OK, new Metadata());
        }

        @Override
        public void onCancel() {
            boolean wasParked;
            streamLock.lock();
            try {
                wasParked = routedTo == null;
                if (!done && !wasParked) {
                    routedTo.mailbox().peerFailed(from, "its stream to rank " + routedTo.rank()
                            + " was cut (connection lost, or the process is gone)");
                }
                done = true;
            } finally {
                streamLock.unlock();
            }
            if (wasParked) {
                unpark(this);
            }
        }
    }
}
