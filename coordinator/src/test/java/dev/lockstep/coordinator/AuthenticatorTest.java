package dev.lockstep.coordinator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.proto.v1.CoordinatorGrpc;
import dev.lockstep.proto.v1.HeartbeatRequest;
import dev.lockstep.proto.v1.JobRef;
import dev.lockstep.proto.v1.JobStatus;
import dev.lockstep.proto.v1.ListRequest;
import dev.lockstep.proto.v1.RegisterWorkerRequest;
import dev.lockstep.proto.v1.SubmitRequest;
import dev.lockstep.proto.v1.SubmitResponse;
import dev.lockstep.proto.v1.WatchRequest;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

/** The coordinator's token rules ({@link Authenticator}), over in-process gRPC: who may call what. */
class AuthenticatorTest {
    static final String ADMIN = "admin-token-0123456789abcdef";
    static final String WORKERS_A = "workers-of-a-0123456789abcdef";
    static final String WORKERS_B = "workers-of-b-0123456789abcdef";

    @TempDir
    Path dir;
    final Harness.ManualClock clock = new Harness.ManualClock();
    final List<String> refusals = new CopyOnWriteArrayList<>();
    Coordinator coordinator;
    Server server;
    String name;
    final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();

    static String sha256(String token) {
        return HexFormat.of().formatHex(Authenticator.sha256(token));
    }

    void start(Optional<String> adminToken) throws Exception {
        coordinator = Coordinator.open(dir.resolve("state"), CoordinatorConfig.of(Harness.VERSION), clock);
        CoordinatorSecurity security = new CoordinatorSecurity(InsecureServerCredentials.create(),
                adminToken.map(AuthenticatorTest::sha256), refusals::add);
        name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(ServerInterceptors.intercept(new CoordinatorService(coordinator),
                        new Authenticator(coordinator, security)))
                .build().start();
    }

    /** A stub that presents {@code token} as a bearer token (null: no authorization header). */
    CoordinatorGrpc.CoordinatorBlockingStub as(String token) {
        ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        channels.add(channel);
        Metadata headers = new Metadata();
        if (token != null) {
            headers.put(Authenticator.AUTHORIZATION, "Bearer " + token);
        }
        return CoordinatorGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (ManagedChannel c : channels) {
            c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    static SubmitRequest submit(String workerToken) {
        SubmitRequest.Builder b = SubmitRequest.newBuilder().setSpecYaml(Harness.SPEC).setBaseDir("/tmp/specs")
                .setWorldSize(2);
        return workerToken == null ? b.build() : b.setWorkerTokenSha256(sha256(workerToken)).build();
    }

    static RegisterWorkerRequest register(String jobId, String address) {
        return RegisterWorkerRequest.newBuilder().setJobId(jobId).setAddress(address).setDevice("cpu")
                .setLockstepVersion(Harness.VERSION).build();
    }

    static void assertUnauthenticated(Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode(), e.toString());
    }

    private byte[] state() throws Exception {
        return Files.readAllBytes(dir.resolve("state").resolve(StateStore.FILE));
    }

    @Test
    void everyMethodOfTheServiceHasARule() {
        Set<String> methods = CoordinatorGrpc.getServiceDescriptor().getMethods().stream()
                .map(MethodDescriptor::getBareMethodName).collect(Collectors.toSet());
        assertEquals(methods, Authenticator.ACCESS.keySet());
    }

    @Test
    void callsWithoutTheTokenOrWithAnotherAreRefusedLoggedAndChangeNothing() throws Exception {
        start(Optional.of(ADMIN));
        SubmitResponse job = as(ADMIN).submit(submit(null));
        List<JobStatus> before = coordinator.list();
        byte[] stateBefore = state();
        for (String token : new String[] {null, "wrong-token-0123456789abcdef", ""}) {
            CoordinatorGrpc.CoordinatorBlockingStub stub = as(token);
            assertUnauthenticated(() -> stub.submit(submit(null)));
            assertUnauthenticated(() -> stub.cancel(JobRef.newBuilder().setJobId(job.getJobId()).build()));
            assertUnauthenticated(() -> stub.list(ListRequest.getDefaultInstance()));
            assertUnauthenticated(() -> stub.status(JobRef.newBuilder().setJobId(job.getJobId()).build()));
            assertUnauthenticated(() -> stub.watch(WatchRequest.newBuilder().setJobId(job.getJobId()).build()).hasNext());
            assertUnauthenticated(() -> stub.registerWorker(register(job.getJobId(), "10.0.0.1:1")));
            assertUnauthenticated(() -> stub.registerWorker(register("", "10.0.0.1:1")));
            assertUnauthenticated(() -> stub.heartbeat(HeartbeatRequest.newBuilder().setJobId(job.getJobId()).build()));
        }
        assertEquals(before, coordinator.list());
        assertArrayEquals(stateBefore, state());
        assertEquals(24, refusals.size(), String.join("\n", refusals));
        assertTrue(refusals.stream().anyMatch(l -> l.startsWith("refused Submit from ") && l.contains("no bearer token")),
                String.join("\n", refusals));
        assertTrue(refusals.stream().noneMatch(l -> l.contains("wrong-token") || l.contains(ADMIN)), "no token in the log");
    }

    @Test
    void aJobsWorkersPresentItsWorkerTokenAndOnlyTheirJobOpensToIt() throws Exception {
        start(Optional.of(ADMIN));
        SubmitResponse a = as(ADMIN).submit(submit(WORKERS_A));
        SubmitResponse b = as(ADMIN).submit(submit(WORKERS_B));
        assertUnauthenticated(() -> as(ADMIN).registerWorker(register(a.getJobId(), "10.0.0.1:1")));
        assertUnauthenticated(() -> as(WORKERS_B).registerWorker(register(a.getJobId(), "10.0.0.1:1")));
        assertEquals(0, coordinator.status(a.getJobId()).getRegisteredWorkers());
        assertEquals(0, as(WORKERS_A).registerWorker(register(a.getJobId(), "10.0.0.1:1")).getRank());
        // A worker that names no job gets the oldest waiting one its token opens: b, though a is older.
        assertEquals(b.getJobId(), as(WORKERS_B).registerWorker(register("", "10.0.0.2:1")).getJobId());
        assertEquals(a.getJobId(), as(WORKERS_A).status(JobRef.newBuilder().setJobId(a.getJobId()).build()).getJobId());
        assertUnauthenticated(() -> as(WORKERS_A).status(JobRef.newBuilder().setJobId(b.getJobId()).build()));
        assertUnauthenticated(() -> as(WORKERS_A).list(ListRequest.getDefaultInstance()));
        assertUnauthenticated(() -> as("unknown-token-0123456789abcdef").registerWorker(register("", "10.0.0.3:1")));
        assertEquals(1, coordinator.status(a.getJobId()).getRegisteredWorkers());
        assertEquals(1, coordinator.status(b.getJobId()).getRegisteredWorkers());
    }

    @Test
    void aTokenThatOpensOnlyFullJobsWaitsInsteadOfTakingAnotherJob() throws Exception {
        start(Optional.of(ADMIN));
        SubmitResponse a = as(ADMIN).submit(submit(WORKERS_A));
        as(ADMIN).submit(submit(null)); // opens to the admin token
        as(WORKERS_A).registerWorker(register(a.getJobId(), "10.0.0.1:1"));
        as(WORKERS_A).registerWorker(register(a.getJobId(), "10.0.0.2:1"));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> as(WORKERS_A).registerWorker(register("", "10.0.0.3:1")));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode(), e.toString());
    }

    @Test
    void aJobSubmittedWithoutAWorkerTokenTakesTheSubmittersAndTheStateHoldsDigestsOnly() throws Exception {
        start(Optional.of(ADMIN));
        SubmitResponse job = as(ADMIN).submit(submit(null));
        SubmitResponse other = as(ADMIN).submit(submit(WORKERS_A));
        assertEquals(0, as(ADMIN).registerWorker(register(job.getJobId(), "10.0.0.1:1")).getRank());
        String state = new String(state(), StandardCharsets.ISO_8859_1);
        assertTrue(state.contains(sha256(ADMIN)) && state.contains(sha256(WORKERS_A)), "digests are stored");
        assertFalse(state.contains(ADMIN) || state.contains(WORKERS_A), "tokens are not");
        assertEquals(other.getJobId(), coordinator.list().get(1).getJobId());
    }

    @Test
    void withoutAnAdminTokenCallsNeedNoneButAJobWithAWorkerTokenStillRequiresIt() throws Exception {
        start(Optional.empty());
        SubmitResponse open = as(null).submit(submit(null));
        SubmitResponse closed = as(null).submit(submit(WORKERS_A));
        assertEquals(2, as(null).list(ListRequest.getDefaultInstance()).getJobsCount());
        assertEquals(open.getJobId(), as(null).registerWorker(register("", "10.0.0.1:1")).getJobId());
        assertUnauthenticated(() -> as(null).registerWorker(register(closed.getJobId(), "10.0.0.2:1")));
        assertEquals(closed.getJobId(), as(WORKERS_A).registerWorker(register(closed.getJobId(), "10.0.0.2:1")).getJobId());
    }

    @Test
    void aMalformedWorkerTokenDigestIsABadRequestNamingTheField() throws Exception {
        start(Optional.of(ADMIN));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> as(ADMIN).submit(submit(null)
                .toBuilder().setWorkerTokenSha256(WORKERS_A).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().startsWith("worker_token_sha256: "), e.getStatus().getDescription());
        assertTrue(coordinator.list().isEmpty());
    }
}
