package dev.lockstep.collective;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;

/** Messages that arrived at one rank, by sender and tag, with each sender's state; shared by transports. */
final class Mailbox {
    private final int owner;
    private final IntFunction<String> addressOf;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Map<ChunkTag, ByteBuffer>> pending;
    private final CollectiveException[] peerState;
    private boolean closed;

    Mailbox(int owner, int worldSize, IntFunction<String> addressOf) {
        this.owner = owner;
        this.addressOf = addressOf;
        this.pending = new ArrayList<>(worldSize);
        for (int i = 0; i < worldSize; i++) {
            pending.add(new HashMap<>());
        }
        this.peerState = new CollectiveException[worldSize];
    }

    void deliver(int from, ChunkTag tag, ByteBuffer data) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (pending.get(from).putIfAbsent(tag, data) != null) {
                fail(from, new CollectiveException(CollectiveException.Kind.PROTOCOL, from, addressOf.apply(from),
                        "rank " + from + " (" + addressOf.apply(from) + ") sent " + tag + " twice"));
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The sender said it sends no more (orderly close). Messages it already sent stay receivable. */
    void peerClosed(int from) {
        fail(from, new CollectiveException(CollectiveException.Kind.PEER_CLOSED, from, addressOf.apply(from),
                "rank " + from + " (" + addressOf.apply(from) + ") closed its transport"));
    }

    /** The sender gave up after an error of its own; {@code why} is its message. */
    void peerAborted(int from, String why) {
        fail(from, new CollectiveException(CollectiveException.Kind.PEER_FAILED, from, addressOf.apply(from),
                "rank " + from + " (" + addressOf.apply(from) + ") gave up: " + why), true);
    }

    void peerFailed(int from, String why) {
        fail(from, new CollectiveException(CollectiveException.Kind.PEER_FAILED, from, addressOf.apply(from),
                "rank " + from + " (" + addressOf.apply(from) + ") failed: " + why));
    }

    private void fail(int from, CollectiveException state) {
        fail(from, state, false);
    }

    /**
     * Records the first thing known about a sender's end. Only an abort notice replaces an orderly close
     * (it travels just before the close on the same stream); a stream cut after an orderly close is the
     * peer shutting down, not a failure.
     */
    private void fail(int from, CollectiveException state, boolean replacesClose) {
        lock.lock();
        try {
            if (peerState[from] == null
                    || (replacesClose && peerState[from].kind() == CollectiveException.Kind.PEER_CLOSED)) {
                peerState[from] = state;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The peer's failure, if any: senders check it so they do not write into a dead stream. */
    CollectiveException peerState(int peer) {
        lock.lock();
        try {
            return peerState[peer];
        } finally {
            lock.unlock();
        }
    }

    ByteBuffer take(int from, ChunkTag tag, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    throw new CollectiveException(CollectiveException.Kind.CLOSED, -1, null,
                            "the transport of rank " + owner + " is closed");
                }
                ByteBuffer data = pending.get(from).remove(tag);
                if (data != null) {
                    return data.order(ByteOrder.LITTLE_ENDIAN);
                }
                if (peerState[from] != null) {
                    throw peerState[from];
                }
                CollectiveException failed = anyFailure();
                if (failed != null) {
                    // A world with a dead rank cannot finish any collective: stop now, naming it.
                    throw failed;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new CollectiveException(CollectiveException.Kind.TIMEOUT, from, addressOf.apply(from),
                            "no chunk from rank " + from + " (" + addressOf.apply(from) + ") within "
                                    + CollectiveException.format(timeout));
                }
                changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CollectiveException(CollectiveException.Kind.CLOSED, from, addressOf.apply(from),
                    "interrupted while waiting for a chunk from rank " + from + " (" + addressOf.apply(from) + ")");
        } finally {
            lock.unlock();
        }
    }

    private CollectiveException anyFailure() {
        for (CollectiveException state : peerState) {
            if (state != null && state.kind() == CollectiveException.Kind.PEER_FAILED) {
                return state;
            }
        }
        return null;
    }

    void close() {
        lock.lock();
        try {
            closed = true;
            for (Map<ChunkTag, ByteBuffer> m : pending) {
                m.clear();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
