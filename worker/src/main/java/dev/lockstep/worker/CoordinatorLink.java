package dev.lockstep.worker;

import dev.lockstep.proto.v1.CommitStepRequest;
import dev.lockstep.proto.v1.CommitStepResponse;
import dev.lockstep.proto.v1.CoordinatorGrpc;
import dev.lockstep.proto.v1.FailureReport;
import dev.lockstep.proto.v1.HeartbeatRequest;
import dev.lockstep.proto.v1.HeartbeatResponse;
import dev.lockstep.proto.v1.JobRef;
import dev.lockstep.proto.v1.JobStatus;
import dev.lockstep.proto.v1.RegisterWorkerRequest;
import dev.lockstep.proto.v1.RegisterWorkerResponse;
import dev.lockstep.proto.v1.WorkerLog;
import dev.lockstep.proto.v1.WorkerReadyRequest;
import dev.lockstep.proto.v1.WorkerReadyResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The worker's calls to the coordinator, each with a deadline (invariant 6). A refusal keeps the
 * coordinator's message (it names the job, rank and value); an unreachable coordinator is an error
 * naming its address.
 */
final class CoordinatorLink implements AutoCloseable {
    private final String address;
    private final ManagedChannel channel;
    private final Duration timeout;

    /** Answers carry a job's canonical spec or a status with a line per rank; far below this. */
    static final int MAX_ANSWER_BYTES = 16 << 20;

    CoordinatorLink(String address, Duration timeout, WorkerSecurity security) {
        this.address = address;
        this.timeout = timeout;
        int colon = address.lastIndexOf(':');
        if (colon < 1 || colon == address.length() - 1) {
            throw new WorkerException("--coordinator '" + address + "': expected HOST:PORT");
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new WorkerException("--coordinator '" + address + "': the port is not a number");
        }
        String host = address.substring(0, colon).replace("[", "").replace("]", "");
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(host, port, security.coordinator())
                .maxInboundMessageSize(MAX_ANSWER_BYTES);
        security.coordinatorAuthority().ifPresent(builder::overrideAuthority);
        this.channel = builder.build();
    }

    String address() {
        return address;
    }

    long timeoutMillis() {
        return timeout.toMillis();
    }

    private CoordinatorGrpc.CoordinatorBlockingStub stub() {
        return CoordinatorGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Registers with the oldest job waiting for workers (or the job named in the request), asking again
     * while none waits or the coordinator cannot be reached, until {@code within} has passed on
     * {@code nanoClock}; null when a stop was requested first.
     */
    RegisterWorkerResponse register(RegisterWorkerRequest request, Duration within, LongSupplier nanoClock,
                                    java.util.function.BooleanSupplier stopRequested) {
        long deadline = nanoClock.getAsLong() + within.toNanos();
        StatusRuntimeException last;
        do {
            if (stopRequested.getAsBoolean()) {
                return null;
            }
            try {
                return stub().registerWorker(request);
            } catch (StatusRuntimeException e) {
                last = e;
                Status.Code code = e.getStatus().getCode();
                boolean retry = code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED
                        || (request.getJobId().isEmpty() && code == Status.Code.NOT_FOUND)
                        || (request.getJobId().isEmpty() && code == Status.Code.FAILED_PRECONDITION
                            && !describe(e).contains("does not match"))
                        // the rank's holder may be a dead worker whose heartbeat deadline has not passed yet
                        || (request.hasRequestedRank() && code == Status.Code.ALREADY_EXISTS);
                if (!retry) {
                    throw new WorkerException("the coordinator at " + address + " refused this worker: " + describe(e));
                }
            }
            sleep(Math.min(500, Math.max(1, (deadline - nanoClock.getAsLong()) / 1_000_000)));
        } while (nanoClock.getAsLong() < deadline);
        throw new WorkerException("found no job to join at the coordinator at " + address + " within "
                + within.toSeconds() + " s: " + describe(last));
    }

    WorkerReadyResponse ready(WorkerReadyRequest request) {
        return call("reporting ready", () -> stub().workerReady(request));
    }

    HeartbeatResponse heartbeat(HeartbeatRequest request) {
        return call("sending a heartbeat", () -> stub().heartbeat(request));
    }

    CommitStepResponse commit(CommitStepRequest request) {
        return call("committing step " + request.getStep(), () -> stub().commitStep(request));
    }

    JobStatus status(String jobId) {
        return call("asking for the job's status", () -> stub().status(JobRef.newBuilder().setJobId(jobId).build()));
    }

    /** Best effort: a failure report or log line that cannot be delivered is not a second failure. */
    void reportFailure(FailureReport report) {
        try {
            stub().reportFailure(report);
        } catch (StatusRuntimeException ignored) {
            // The coordinator learns of the failure from the missing heartbeats instead.
        }
    }

    void log(WorkerLog line) {
        try {
            stub().log(line);
        } catch (StatusRuntimeException ignored) {
            // A lost log line loses no training state.
        }
    }

    private <T> T call(String what, java.util.function.Supplier<T> rpc) {
        try {
            return rpc.get();
        } catch (StatusRuntimeException e) {
            throw new WorkerException(what + " to the coordinator at " + address + " failed: " + describe(e),
                    e.getStatus().getCode(), e);
        }
    }

    static String describe(StatusRuntimeException e) {
        Status s = e.getStatus();
        return s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorkerException("interrupted while waiting for a job");
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
