package dev.lockstep.collective;

import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Point-to-point byte messages between the ranks of one world. Messages between a pair are matched by
 * {@link ChunkTag}, so their arrival order does not matter. Every call has a timeout; none waits forever.
 *
 * <p>Implementations: {@link LocalFabric} (ranks as threads in one JVM) and {@link GrpcTransport}.
 */
public interface Transport extends AutoCloseable {
    int rank();

    int worldSize();

    /** How to find {@code rank}, for error messages: "127.0.0.1:40123", "in-process". */
    String address(int rank);

    /**
     * Sends the bytes from {@code data}'s position to its limit. When this returns the transport has
     * finished reading {@code data} (it is copied or already framed), so the caller may overwrite it; the
     * buffer's position and limit are left as they were.
     *
     * @throws CollectiveException if the peer does not accept it within {@code timeout}, or has failed
     */
    void send(int to, ChunkTag tag, ByteBuffer data, Duration timeout);

    /**
     * The message {@code from} sent with {@code tag}: a little-endian buffer from position 0, which the
     * caller now owns.
     *
     * @throws CollectiveException if it does not arrive within {@code timeout} or the peer failed or closed
     */
    ByteBuffer receive(int from, ChunkTag tag, Duration timeout);

    /**
     * Hands a buffer returned by {@link #receive} back for reuse; the caller must not touch it afterwards.
     * Optional: a buffer that is never released is simply garbage collected.
     */
    default void release(ByteBuffer received) {}

    /** Tells the peers this rank sends no more; a receive still waiting on this rank fails. Idempotent. */
    @Override
    void close();

    /**
     * Closes after a failure, first telling every peer why (best effort, without waiting), so that their
     * own errors name the culprit this rank saw instead of only this rank.
     */
    void abort(CollectiveException cause);
}
