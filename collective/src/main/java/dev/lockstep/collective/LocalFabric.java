package dev.lockstep.collective;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** N ranks in one JVM (threads), for logic tests: a send copies the bytes into the receiver's mailbox. */
public final class LocalFabric {
    private final List<LocalTransport> transports;

    private LocalFabric(int worldSize) {
        List<LocalTransport> ts = new ArrayList<>(worldSize);
        for (int r = 0; r < worldSize; r++) {
            ts.add(new LocalTransport(r, worldSize));
        }
        this.transports = List.copyOf(ts);
    }

    public static LocalFabric create(int worldSize) {
        if (worldSize < 1) {
            throw new IllegalArgumentException("world size must be >= 1, got " + worldSize);
        }
        return new LocalFabric(worldSize);
    }

    public Transport transport(int rank) {
        return transports.get(rank);
    }

    public List<Transport> transports() {
        return List.copyOf(transports);
    }

    private final class LocalTransport implements Transport {
        private final int rank;
        private final Mailbox mailbox;
        private volatile boolean closed;

        LocalTransport(int rank, int worldSize) {
            this.rank = rank;
            this.mailbox = new Mailbox(rank, worldSize, r -> "in-process");
        }

        @Override
        public int rank() {
            return rank;
        }

        @Override
        public int worldSize() {
            return transports.size();
        }

        @Override
        public String address(int r) {
            return "in-process";
        }

        @Override
        public void send(int to, ChunkTag tag, ByteBuffer data, Duration timeout) {
            if (closed) {
                throw new CollectiveException(CollectiveException.Kind.CLOSED, -1, null,
                        "the transport of rank " + rank + " is closed");
            }
            CollectiveException known = mailbox.peerState(to);
            if (known != null) {
                throw known;
            }
            LocalTransport target = transports.get(to);
            if (target.closed) {
                throw new CollectiveException(CollectiveException.Kind.PEER_CLOSED, to, "in-process",
                        "rank " + to + " (in-process) closed its transport");
            }
            ByteBuffer copy = ByteBuffer.allocate(data.remaining()).order(ByteOrder.LITTLE_ENDIAN);
            copy.put(data.duplicate()).flip();
            target.mailbox.deliver(rank, tag, copy);
        }

        @Override
        public ByteBuffer receive(int from, ChunkTag tag, Duration timeout) {
            return mailbox.take(from, tag, timeout);
        }

        @Override
        public void abort(CollectiveException cause) {
            if (!closed) {
                for (LocalTransport t : transports) {
                    if (t != this) {
                        t.mailbox.peerAborted(rank, cause.getMessage());
                    }
                }
            }
            close();
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            for (LocalTransport t : transports) {
                if (t != this) {
                    t.mailbox.peerClosed(rank);
                }
            }
            mailbox.close();
        }
    }
}
