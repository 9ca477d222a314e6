package dev.lockstep.coordinator;

import dev.lockstep.proto.v1.CommitStepRequest;
import dev.lockstep.proto.v1.FailureReport;
import dev.lockstep.proto.v1.HeartbeatRequest;
import dev.lockstep.proto.v1.JobRef;
import dev.lockstep.proto.v1.RegisterWorkerRequest;
import dev.lockstep.proto.v1.RejoinRequest;
import dev.lockstep.proto.v1.SubmitRequest;
import dev.lockstep.proto.v1.WorkerLog;
import dev.lockstep.proto.v1.WorkerReadyRequest;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The coordinator's one check of bearer tokens. Every method of {@code lockstep.v1.Coordinator} has a rule:
 * <ul>
 *   <li>admin (Submit, Cancel, List, Watch): the coordinator's own token, when it has one;
 *   <li>worker (RegisterWorker, WorkerReady, Heartbeat, CommitStep, ReportFailure, Log): the worker token
 *       of the job the request names, which is the digest the job was submitted with, or the admin token
 *       for a job stored without one;
 *   <li>Status: either.
 * </ul>
 * A refused call is closed with {@code UNAUTHENTICATED} before the service sees its request, so it changes
 * nothing, and reported on one line; a method without a rule is refused. Two requests are completed here
 * rather than refused: a Submit without a worker token gets the submitter's (the admin) digest, and a
 * RegisterWorker that names no job is pointed at the oldest waiting job that admits its token, so a worker
 * is never handed a job its token does not open. Only digests are compared, in constant time.
 */
final class Authenticator implements ServerInterceptor {
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "Bearer ";

    enum Access { ADMIN, WORKER, ADMIN_OR_WORKER }

    static final Map<String, Access> ACCESS = Map.ofEntries(
            Map.entry("Submit", Access.ADMIN), Map.entry("Cancel", Access.ADMIN), Map.entry("List", Access.ADMIN),
            Map.entry("Watch", Access.ADMIN), Map.entry("Status", Access.ADMIN_OR_WORKER),
            Map.entry("RegisterWorker", Access.WORKER), Map.entry("WorkerReady", Access.WORKER),
            Map.entry("Heartbeat", Access.WORKER), Map.entry("CommitStep", Access.WORKER),
            Map.entry("ReportFailure", Access.WORKER), Map.entry("Log", Access.WORKER),
            Map.entry("Rejoin", Access.WORKER));

    private final Coordinator coordinator;
    private final String admin;
    private final Consumer<String> refusals;

    Authenticator(Coordinator coordinator, CoordinatorSecurity security) {
        this.coordinator = coordinator;
        this.admin = security.adminTokenSha256().orElse("");
        this.refusals = security.refusals();
    }

    static boolean isDigest(String hex) {
        return hex.length() == 64 && hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getBareMethodName();
        Access access = ACCESS.get(method);
        Presented token = Presented.of(headers.get(AUTHORIZATION));
        if (access == null) {
            return refuse(call, method, Status.UNAUTHENTICATED, "the coordinator has no access rule for " + method);
        }
        boolean isAdmin = token.admits(admin);
        if (access == Access.ADMIN && !isAdmin) {
            return refuse(call, method, Status.UNAUTHENTICATED, token.missing()
                    ? token.why("this coordinator requires its token") : "wrong bearer token (not this coordinator's)");
        }
        if (access == Access.ADMIN_OR_WORKER && isAdmin || access == Access.ADMIN && !method.equals("Submit")) {
            return next.startCall(call, headers);
        }
        if (access != Access.ADMIN && !isAdmin && !coordinator.anyJob(digest -> token.admits(required(digest)))) {
            // Opens nothing here whatever the request says: refused before its bytes are read.
            return refuse(call, method, Status.UNAUTHENTICATED, token.missing()
                    ? token.why("this coordinator's jobs require their worker token")
                    : "wrong bearer token: it opens no job on this coordinator");
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
            private boolean refused;

            @Override
            public void onMessage(Q message) {
                if (refused) {
                    return;
                }
                Object checked = check(call, method, message, token);
                if (checked == null) {
                    refused = true;
                } else {
                    @SuppressWarnings("unchecked")
                    Q q = (Q) checked;
                    super.onMessage(q);
                }
            }

            @Override
            public void onHalfClose() {
                if (!refused) {
                    super.onHalfClose();
                }
            }
        };
    }

    /** The request to pass on (perhaps completed), or null when the call was refused (and closed). */
    private Object check(ServerCall<?, ?> call, String method, Object message, Presented token) {
        if (message instanceof SubmitRequest s) {
            return s.getWorkerTokenSha256().isEmpty() && !admin.isEmpty()
                    ? s.toBuilder().setWorkerTokenSha256(admin).build() : s;
        }
        if (message instanceof RegisterWorkerRequest r && r.getJobId().isEmpty()) {
            return assignJob(call, r, token);
        }
        String jobId = jobId(message);
        String required = coordinator.workerTokenOf(jobId).map(this::required).orElse(admin);
        if (token.admits(required)) {
            return message;
        }
        refuse(call, method, Status.UNAUTHENTICATED, token.missing()
                ? token.why("job " + jobId + " requires its worker token") : "wrong bearer token for job " + jobId);
        return null;
    }

    private Object assignJob(ServerCall<?, ?> call, RegisterWorkerRequest r, Presented token) {
        if (admin.isEmpty() && !coordinator.anyJob(digest -> !digest.isEmpty())) {
            return r; // no job and no coordinator asks for a token: any worker may take the oldest waiting job
        }
        Predicate<String> admitted = digest -> token.admits(required(digest));
        Optional<String> job = coordinator.oldestWaiting(admitted);
        if (job.isPresent()) {
            return r.toBuilder().setJobId(job.get()).build();
        }
        if (token.missing()) {
            refuse(call, "RegisterWorker", Status.UNAUTHENTICATED, token.why("this coordinator's jobs require their "
                    + "worker token"));
        } else if (token.admits(admin) || coordinator.anyJob(digest -> !required(digest).isEmpty() && admitted.test(digest))) {
            call.close(Status.FAILED_PRECONDITION.withDescription("no job that admits this worker's token waits for "
                    + "workers (retry after a submit)"), new Metadata());
        } else {
            refuse(call, "RegisterWorker", Status.UNAUTHENTICATED, "wrong bearer token: no job on this coordinator "
                    + "admits it");
        }
        return null;
    }

    /** What a job with worker-token digest {@code jobDigest} requires ("" when it has none: the admin token's). */
    private String required(String jobDigest) {
        return jobDigest.isEmpty() ? admin : jobDigest;
    }

    private static String jobId(Object message) {
        return switch (message) {
            case RegisterWorkerRequest r -> r.getJobId();
            case WorkerReadyRequest r -> r.getJobId();
            case HeartbeatRequest r -> r.getJobId();
            case CommitStepRequest r -> r.getJobId();
            case FailureReport r -> r.getJobId();
            case RejoinRequest r -> r.getJobId();
            case WorkerLog r -> r.getJobId();
            case JobRef r -> r.getJobId();
            default -> throw new IllegalStateException("no job id in a " + message.getClass().getSimpleName());
        };
    }

    private <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, String method, Status status, String why) {
        refusals.accept("refused " + method + " from " + call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)
                + ": " + why);
        call.close(status.withDescription(why), new Metadata());
        return new ServerCall.Listener<>() {};
    }

    /** The caller's token as its digest; the token itself is not kept. */
    private record Presented(byte[] digest, String problem) {
        static Presented of(String header) {
            if (header == null) {
                return new Presented(null, "no bearer token");
            }
            if (!header.startsWith(BEARER) || header.length() == BEARER.length()) {
                return new Presented(null, "the authorization header is not a bearer token");
            }
            return new Presented(sha256(header.substring(BEARER.length())), null);
        }

        boolean missing() {
            return digest == null;
        }

        /** Whether this token opens what {@code requiredHex} guards ("" guards nothing). */
        boolean admits(String requiredHex) {
            return requiredHex.isEmpty() || digest != null && MessageDigest.isEqual(digest, HexFormat.of().parseHex(requiredHex));
        }

        String why(String requirement) {
            return problem + " (" + requirement + ")";
        }
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
