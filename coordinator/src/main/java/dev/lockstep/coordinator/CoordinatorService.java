package dev.lockstep.coordinator;

import dev.lockstep.proto.v1.CommitStepRequest;
import dev.lockstep.proto.v1.CommitStepResponse;
import dev.lockstep.proto.v1.CoordinatorGrpc;
import dev.lockstep.proto.v1.FailureAck;
import dev.lockstep.proto.v1.FailureReport;
import dev.lockstep.proto.v1.HeartbeatRequest;
import dev.lockstep.proto.v1.HeartbeatResponse;
import dev.lockstep.proto.v1.JobEvent;
import dev.lockstep.proto.v1.JobRef;
import dev.lockstep.proto.v1.JobStatus;
import dev.lockstep.proto.v1.ListRequest;
import dev.lockstep.proto.v1.ListResponse;
import dev.lockstep.proto.v1.RegisterWorkerRequest;
import dev.lockstep.proto.v1.RegisterWorkerResponse;
import dev.lockstep.proto.v1.SubmitRequest;
import dev.lockstep.proto.v1.SubmitResponse;
import dev.lockstep.proto.v1.WatchRequest;
import dev.lockstep.proto.v1.WorkerLog;
import dev.lockstep.proto.v1.WorkerLogAck;
import dev.lockstep.proto.v1.WorkerReadyRequest;
import dev.lockstep.proto.v1.WorkerReadyResponse;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/**
 * {@code lockstep.v1.Coordinator} over a {@link Coordinator}: each call runs the core and answers once;
 * Watch sends the backlog and leaves the stream with the job's event log, which pushes new events to it.
 * Every refusal goes through {@link Statuses}. Add it to any {@code ServerBuilder} (Netty in the
 * coordinator process, in-process in tests).
 */
public final class CoordinatorService extends CoordinatorGrpc.CoordinatorImplBase {
    private final Coordinator coordinator;

    public CoordinatorService(Coordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public void submit(SubmitRequest request, StreamObserver<SubmitResponse> out) {
        answer(out, () -> coordinator.submit(request));
    }

    @Override
    public void status(JobRef request, StreamObserver<JobStatus> out) {
        answer(out, () -> coordinator.status(request.getJobId()));
    }

    @Override
    public void cancel(JobRef request, StreamObserver<JobStatus> out) {
        answer(out, () -> coordinator.cancel(request.getJobId()));
    }

    @Override
    public void list(ListRequest request, StreamObserver<ListResponse> out) {
        answer(out, () -> ListResponse.newBuilder().addAllJobs(coordinator.list()).build());
    }

    @Override
    public void registerWorker(RegisterWorkerRequest request, StreamObserver<RegisterWorkerResponse> out) {
        answer(out, () -> coordinator.register(request));
    }

    @Override
    public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> out) {
        answer(out, () -> coordinator.heartbeat(request));
    }

    @Override
    public void commitStep(CommitStepRequest request, StreamObserver<CommitStepResponse> out) {
        answer(out, () -> coordinator.commit(request));
    }

    @Override
    public void workerReady(WorkerReadyRequest request, StreamObserver<WorkerReadyResponse> out) {
        answer(out, () -> coordinator.ready(request));
    }

    @Override
    public void reportFailure(FailureReport request, StreamObserver<FailureAck> out) {
        answer(out, () -> coordinator.reportFailure(request));
    }

    @Override
    public void log(WorkerLog request, StreamObserver<WorkerLogAck> out) {
        answer(out, () -> coordinator.log(request));
    }

    @Override
    public void watch(WatchRequest request, StreamObserver<JobEvent> out) {
        try {
            coordinator.watch(request, out);
        } catch (RuntimeException e) {
            out.onError(Statuses.toStatus(e));
        }
    }

    private static <T> void answer(StreamObserver<T> out, Supplier<T> call) {
        T result;
        try {
            result = call.get();
        } catch (RuntimeException e) {
            out.onError(Statuses.toStatus(e));
            return;
        }
        out.onNext(result);
        out.onCompleted();
    }
}
