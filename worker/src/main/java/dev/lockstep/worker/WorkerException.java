package dev.lockstep.worker;

import io.grpc.Status;

/** The worker cannot go on with its job; the message names the coordinator, job, rank or peer concerned. */
public final class WorkerException extends RuntimeException {
    private final Status.Code code;

    public WorkerException(String message) {
        super(message);
        this.code = Status.Code.UNKNOWN;
    }

    public WorkerException(String message, Throwable cause) {
        super(message, cause);
        this.code = Status.Code.UNKNOWN;
    }

    WorkerException(String message, Status.Code code, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** The coordinator's status code when a call to it failed (UNKNOWN otherwise). */
    public Status.Code code() {
        return code;
    }

    /** Whether the coordinator refused the call (rather than being unreachable or failing inside). */
    boolean refused() {
        return code == Status.Code.FAILED_PRECONDITION || code == Status.Code.NOT_FOUND
                || code == Status.Code.INVALID_ARGUMENT || code == Status.Code.ALREADY_EXISTS;
    }
}
