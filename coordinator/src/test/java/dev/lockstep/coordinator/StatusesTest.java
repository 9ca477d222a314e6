package dev.lockstep.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lockstep.coordinator.CoordinatorException.Reason;
import dev.lockstep.job.SpecException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one mapping to status codes, as a table; descriptions carry the domain message unchanged. */
class StatusesTest {
    @Test
    void everyRefusalHasItsCodeAndKeepsItsMessage() {
        Map<Reason, Status.Code> table = Map.of(Reason.BAD_REQUEST, Status.Code.INVALID_ARGUMENT,
                Reason.NOT_FOUND, Status.Code.NOT_FOUND, Reason.ALREADY_EXISTS, Status.Code.ALREADY_EXISTS,
                Reason.FAILED_PRECONDITION, Status.Code.FAILED_PRECONDITION);
        assertEquals(Reason.values().length, table.size(), "every reason is in the table");
        table.forEach((reason, code) -> {
            StatusRuntimeException s = Statuses.toStatus(new CoordinatorException(reason, "rank 3 of job-1"));
            assertEquals(code, s.getStatus().getCode(), reason.name());
            assertEquals("rank 3 of job-1", s.getStatus().getDescription());
        });
    }

    @Test
    void specProblemsAreInvalidArgumentAndAnythingUnexpectedIsInternal() {
        SpecException spec = new SpecException("(text)", List.of("train.batch_size: expected a positive integer, got 0"));
        assertEquals(Status.Code.INVALID_ARGUMENT, Statuses.toStatus(spec).getStatus().getCode());
        assertEquals(spec.getMessage(), Statuses.toStatus(spec).getStatus().getDescription());
        assertEquals(Status.Code.DATA_LOSS, Statuses.toStatus(
                new StateStore.CorruptStateException("state file x is corrupt", null)).getStatus().getCode());
        assertEquals(Status.Code.INTERNAL, Statuses.toStatus(new IllegalStateException("bug")).getStatus().getCode());
    }
}
