package dev.lockstep.coordinator;

/**
 * A request the coordinator refuses. The {@link Reason} says which kind of refusal it is, so that one
 * mapping ({@link Statuses}) turns every refusal into an {@code io.grpc.Status}; the message names the
 * job, rank, address or field at fault.
 */
public final class CoordinatorException extends RuntimeException {
    /** Kinds of refusal, each with exactly one status code. */
    public enum Reason {
        /** The request itself is malformed: a missing field, a rank out of range. */
        BAD_REQUEST,
        /** No such job or rank. */
        NOT_FOUND,
        /** The rank or address is already taken. */
        ALREADY_EXISTS,
        /** The request is well-formed but the job's state forbids it: mismatched hash, full job, step out of order. */
        FAILED_PRECONDITION
    }

    private final Reason reason;

    public CoordinatorException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
