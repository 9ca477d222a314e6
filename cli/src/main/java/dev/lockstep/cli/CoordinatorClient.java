package dev.lockstep.cli;

import dev.lockstep.proto.v1.CoordinatorGrpc;
import dev.lockstep.proto.v1.JobEvent;
import dev.lockstep.proto.v1.JobRef;
import dev.lockstep.proto.v1.JobStatus;
import dev.lockstep.proto.v1.ListRequest;
import dev.lockstep.proto.v1.SubmitRequest;
import dev.lockstep.proto.v1.SubmitResponse;
import dev.lockstep.proto.v1.WatchRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A client of the coordinator at {@code HOST:PORT}, for the commands that talk to one. Every unary call has
 * a {@value #DEADLINE_SECONDS} s deadline; a refusal becomes a {@link UsageProblem} (INVALID_ARGUMENT: exit 2)
 * or a {@link CoordinatorProblem} (exit 1) carrying the coordinator's description as it is, and an
 * unreachable coordinator is "cannot reach the coordinator at HOST:PORT: ...". Watch streams have no
 * deadline (a job may train for days); HTTP/2 keepalive notices a coordinator that vanished.
 */
final class CoordinatorClient implements AutoCloseable {
    static final long DEADLINE_SECONDS = 10;
    private static final Duration KEEPALIVE = Duration.ofSeconds(20);

    /** Answers carry job statuses and event lines: a long job list stays far below this. */
    static final int MAX_ANSWER_BYTES = 64 << 20;

    private final String address;
    private final ManagedChannel channel;
    private final boolean tls;

    private CoordinatorClient(String address, ManagedChannel channel, boolean tls) {
        this.address = address;
        this.channel = channel;
        this.tls = tls;
    }

    /** A plaintext client without a token; see {@link #connect(String, TlsSettings, Optional)}. */
    static CoordinatorClient connect(String address) {
        return connect(address, TlsSettings.off(), Optional.empty());
    }

    /**
     * A client of {@code address} (HOST:PORT, or [IPv6]:PORT) over {@code tls}, presenting {@code token} on every
     * call; a malformed address is a usage problem naming the flag.
     */
    static CoordinatorClient connect(String address, TlsSettings tls, Optional<Secret> token) {
        int colon = address.lastIndexOf(':');
        String host = colon > 0 ? address.substring(0, colon) : "";
        int port = -1;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            // reported below
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty() || port < 1 || port > MetricsServer.MAX_PORT) {
            throw new UsageProblem("--coordinator " + address + ": expected HOST:PORT, such as 127.0.0.1:7070");
        }
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(host, port, tls.channelCredentials(token))
                .maxInboundMessageSize(MAX_ANSWER_BYTES)
                .keepAliveTime(KEEPALIVE.toSeconds(), TimeUnit.SECONDS).keepAliveTimeout(10, TimeUnit.SECONDS);
        tls.serverName().ifPresent(builder::overrideAuthority);
        return new CoordinatorClient(address, builder.build(), tls.enabled());
    }

    String address() {
        return address;
    }

    /** {@code workerTokenSha256}: the job's worker-token digest, "" for the coordinator's default. */
    SubmitResponse submit(String specYaml, Path baseDir, int worldSize, String workerTokenSha256) {
        SubmitRequest request = SubmitRequest.newBuilder().setSpecYaml(specYaml)
                .setBaseDir(baseDir.toAbsolutePath().toString()).setWorldSize(worldSize)
                .setWorkerTokenSha256(workerTokenSha256).build();
        return call("Submit", () -> stub().submit(request));
    }

    JobStatus status(String jobId) {
        return call("Status", () -> stub().status(JobRef.newBuilder().setJobId(jobId).build()));
    }

    List<JobStatus> list() {
        return call("List", () -> stub().list(ListRequest.getDefaultInstance()).getJobsList());
    }

    JobStatus cancel(String jobId) {
        return call("Cancel", () -> stub().cancel(JobRef.newBuilder().setJobId(jobId).build()));
    }

    /**
     * The job's events from {@code fromSeq}; with {@code follow} the iterator blocks for new ones until the job
     * ends. Failures surface as {@link StatusRuntimeException} from the iterator (see {@link #problem}).
     */
    Iterator<JobEvent> watch(String jobId, long fromSeq, boolean follow) {
        return CoordinatorGrpc.newBlockingStub(channel).watch(WatchRequest.newBuilder().setJobId(jobId)
                .setFromSeq(fromSeq).setFollow(follow).build());
    }

    /**
     * Follows the job until it ends, printing its progress and workers' lines (see {@link JobFollower}), and
     * returns its outcome: 0 SUCCEEDED, 1 FAILED or CANCELLED (the reason on {@code err}).
     */
    int follow(String jobId, PrintWriter out, PrintWriter err, boolean terminal) {
        return new JobFollower(this, out, err).follow(jobId, terminal, false);
    }

    /** {@link #follow(String, PrintWriter, PrintWriter, boolean)} over a client of {@code address} it closes. */
    static int follow(String address, String jobId, PrintWriter out, PrintWriter err, boolean terminal) {
        try (CoordinatorClient client = connect(address)) {
            return client.follow(jobId, out, err, terminal);
        }
    }

    /** The one-line problem for a failed call {@code what} ("Status", "Watch"). */
    RuntimeException problem(String what, StatusRuntimeException e) {
        Status s = e.getStatus();
        String description = s.getDescription() == null ? s.getCode().toString() : s.getDescription();
        Throwable handshake = handshakeFailure(s.getCause());
        return switch (s.getCode()) {
            case UNAVAILABLE -> handshake != null
                    ? new CoordinatorProblem("the TLS handshake with the coordinator at " + address + " failed: "
                            + handshake.getMessage() + " (check --tls-trust, --tls-server-name and, where the "
                            + "coordinator requires client certificates, --tls-cert and --tls-key)")
                    : new CoordinatorProblem("cannot reach the coordinator at " + address + ": " + description
                    + (s.getCause() != null && s.getCause().getMessage() != null ? " (" + s.getCause().getMessage() + ")" : "")
                    + (tls ? "" : "; if it serves TLS, connect with --tls-trust FILE (or --tls)"));
            case UNAUTHENTICATED -> new CoordinatorProblem("the coordinator at " + address + " refused " + what + ": "
                    + description + "; give its token with --token-file FILE or --token-env NAME");
            case DEADLINE_EXCEEDED -> new CoordinatorProblem("the coordinator at " + address + " did not answer " + what
                    + " within " + DEADLINE_SECONDS + " s");
            case INVALID_ARGUMENT -> new UsageProblem(description);
            default -> new CoordinatorProblem(description);
        };
    }

    private static Throwable handshakeFailure(Throwable t) {
        for (int depth = 0; t != null && depth < 10; t = t.getCause(), depth++) {
            if (t instanceof javax.net.ssl.SSLException) {
                return t;
            }
        }
        return null;
    }

    private CoordinatorGrpc.CoordinatorBlockingStub stub() {
        return CoordinatorGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    private <T> T call(String what, Supplier<T> rpc) {
        try {
            return rpc.get();
        } catch (StatusRuntimeException e) {
            throw problem(what, e);
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
