package dev.lockstep.coordinator;

import dev.lockstep.job.SpecException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** The one mapping from the coordinator's domain errors to {@code io.grpc.Status} codes (STYLE.md principle 6). */
final class Statuses {
    private Statuses() {}

    static StatusRuntimeException toStatus(RuntimeException e) {
        Status status = switch (e) {
            // The parser's message lists every problem with its field path.
            case SpecException s -> Status.INVALID_ARGUMENT.withDescription(s.getMessage());
            case CoordinatorException c -> code(c.reason()).withDescription(c.getMessage());
            case StateStore.CorruptStateException s -> Status.DATA_LOSS.withDescription(s.getMessage());
            default -> Status.INTERNAL.withDescription(e.getClass().getName() + ": " + e.getMessage()).withCause(e);
        };
        return status.asRuntimeException();
    }

    static Status code(CoordinatorException.Reason reason) {
        return switch (reason) {
            case BAD_REQUEST -> Status.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.NOT_FOUND;
            case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
            case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
        };
    }
}
