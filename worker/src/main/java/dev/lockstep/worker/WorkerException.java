package dev.lockstep.worker;

/** The worker cannot go on with its job; the message names the coordinator, job, rank or peer concerned. */
public final class WorkerException extends RuntimeException {
    public WorkerException(String message) {
        super(message);
    }

    public WorkerException(String message, Throwable cause) {
        super(message, cause);
    }
}
