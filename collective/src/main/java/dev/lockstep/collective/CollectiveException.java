package dev.lockstep.collective;

import java.time.Duration;

/**
 * A collective operation that could not finish: a peer that did not answer in time, a peer that failed
 * or closed, a transport that was closed, or a protocol violation. The message names the operation, the
 * peer's rank and its address (invariant 6), e.g. {@code all-reduce step 3 of bucket 2: no chunk from rank
 * 1 (127.0.0.1:40123) within 5 s}.
 *
 * <p>After one of these the transport's state is unknown: close it (the job restarts from a checkpoint).
 */
public final class CollectiveException extends RuntimeException {
    public enum Kind {
        /** The peer did not send, or did not accept, a chunk within the deadline. */
        TIMEOUT,
        /** The peer's connection failed or its stream was cancelled. */
        PEER_FAILED,
        /** The peer closed its transport in an orderly way before sending what was expected. */
        PEER_CLOSED,
        /** This rank's own transport is closed. */
        CLOSED,
        /** A message that does not fit the schedule (wrong size, duplicate, unknown rank). */
        PROTOCOL
    }

    private final Kind kind;
    private final int peerRank;
    private final String peerAddress;
    private final String operation;
    private final String detail;

    public CollectiveException(Kind kind, int peerRank, String peerAddress, String detail) {
        this(kind, peerRank, peerAddress, null, detail, null);
    }

    private CollectiveException(
            Kind kind, int peerRank, String peerAddress, String operation, String detail, Throwable cause) {
        super(operation == null ? detail : operation + ": " + detail, cause);
        this.kind = kind;
        this.peerRank = peerRank;
        this.peerAddress = peerAddress;
        this.operation = operation;
        this.detail = detail;
    }

    /** The same failure, with the operation that hit it prefixed ("all-reduce step 3 of bucket 2"). */
    public CollectiveException during(String operation) {
        return new CollectiveException(kind, peerRank, peerAddress, operation, detail, this);
    }

    public Kind kind() {
        return kind;
    }

    /** The peer's rank, or -1 where the failure is this rank's own. */
    public int peerRank() {
        return peerRank;
    }

    /** The peer's address ("127.0.0.1:40123", "in-process"), or null where there is no peer. */
    public String peerAddress() {
        return peerAddress;
    }

    /** The operation, or null when the transport raised this directly. */
    public String operation() {
        return operation;
    }

    /** "5 s", "250 ms": how deadlines appear in messages. */
    static String format(Duration d) {
        long millis = d.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
