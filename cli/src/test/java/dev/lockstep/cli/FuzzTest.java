package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.lockstep.collective.ChunkTag;
import dev.lockstep.collective.GrpcTransport;
import dev.lockstep.collective.GrpcTransportSettings;
import dev.lockstep.coordinator.CoordinatorServer;
import dev.lockstep.proto.v1.Chunk;
import dev.lockstep.proto.v1.ChunkHeader;
import dev.lockstep.proto.v1.CommitStepRequest;
import dev.lockstep.proto.v1.HeartbeatRequest;
import dev.lockstep.proto.v1.JobRef;
import dev.lockstep.proto.v1.JobStatus;
import dev.lockstep.proto.v1.PathChecksum;
import dev.lockstep.proto.v1.RegisterWorkerRequest;
import dev.lockstep.proto.v1.SubmitRequest;
import dev.lockstep.proto.v1.WatchRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Status;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded stream of hostile input at each service, over real sockets: random bytes where TLS is expected,
 * random HTTP/2 frames after a good handshake, and gRPC calls carrying random, mutated and oversized messages,
 * without a token, with another one, and with the right one. Each is an error for its connection or call;
 * the coordinator and the workers keep serving, and what the unauthenticated calls sent changed nothing.
 */
@Tag("slow")
@Timeout(180)
class FuzzTest {
    private static final int OVERSIZED = (4 << 20) + 1024;
    private final Random rng = new Random(20_261_107);

    @TempDir
    Path dir;

    @Test
    void theCoordinatorSurvivesAndUnauthenticatedNoiseChangesNothing() throws Exception {
        SelfSignedPair pair = SelfSignedPair.create(dir.resolve("tls"));
        try (CoordinatorServer server = TlsFixtures.coordinator(dir.resolve("state"), pair, false, line -> {})) {
            TlsSettings tls = TlsFixtures.client(pair, null);
            ManagedChannel admin = TlsFixtures.channel("127.0.0.1", server.port(), tls, TlsFixtures.ADMIN);
            List<byte[]> valid = List.of(
                    SubmitRequest.newBuilder().setSpecYaml(TlsFixtures.SPEC).setBaseDir(dir.toString()).setWorldSize(2)
                            .build().toByteArray(),
                    JobRef.newBuilder().setJobId("job-000000").build().toByteArray(),
                    RegisterWorkerRequest.newBuilder().setAddress("127.0.0.1:9").setLockstepVersion(Lockstep.VERSION)
                            .build().toByteArray(),
                    HeartbeatRequest.newBuilder().setJobId("job-000000").setRank(1).setEpoch(1).setStep(3).build()
                            .toByteArray(),
                    CommitStepRequest.newBuilder().setJobId("job-000000").setStep(1).addReplicaChecksums(PathChecksum
                            .newBuilder().setPath("dense/kernel").setChecksum("f32[3]:00000000")).build().toByteArray(),
                    WatchRequest.newBuilder().setJobId("job-000000").build().toByteArray());
            Status submitted = TlsFixtures.call(admin, TlsFixtures.method("lockstep.v1.Coordinator/Submit",
                    MethodType.UNARY), new Metadata(), List.of(valid.getFirst()));
            assertTrue(submitted.isOk(), submitted.toString());
            List<JobStatus> before = server.coordinator().list();
            byte[] stateBefore = state();

            garbageBeforeTls(server.port());
            garbageFrames(server.port(), TlsFixtures.sslContext(pair, null));
            Map<Status.Code, Integer> anonymous = new EnumMap<>(Status.Code.class);
            for (String token : new String[] {null, "not-the-token-0123456789abcdef"}) {
                ManagedChannel c = TlsFixtures.channel("127.0.0.1", server.port(), tls, token);
                fuzzCoordinator(c, valid, 60, anonymous);
                c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            assertEquals(Map.of(Status.Code.UNAUTHENTICATED, 120), anonymous, "every call without the token is refused");
            assertEquals(before, server.coordinator().list());
            assertArrayEquals(stateBefore, state());

            Map<Status.Code, Integer> authenticated = new EnumMap<>(Status.Code.class);
            fuzzCoordinator(admin, valid, 120, authenticated);
            System.out.println("coordinator fuzz with the token: " + authenticated);
            assertTrue(authenticated.getOrDefault(Status.Code.RESOURCE_EXHAUSTED, 0) > 0, authenticated.toString());
            assertTrue(authenticated.getOrDefault(Status.Code.INTERNAL, 0) + authenticated.getOrDefault(
                    Status.Code.UNKNOWN, 0) + authenticated.getOrDefault(Status.Code.INVALID_ARGUMENT, 0) > 0,
                    "unparsable requests: " + authenticated);
            Status list = TlsFixtures.call(admin, TlsFixtures.method("lockstep.v1.Coordinator/List", MethodType.UNARY),
                    new Metadata(), List.of(new byte[0]));
            assertTrue(list.isOk(), "the coordinator still answers: " + list);
            assertEquals(before.getFirst().getJobId(), server.coordinator().list().getFirst().getJobId());
            admin.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void workersKeepExchangingChunksThroughNoiseAtTheirCollectiveServers() throws Exception {
        SelfSignedPair pair = SelfSignedPair.create(dir.resolve("tls"));
        GrpcTransportSettings settings = GrpcTransportSettings.defaults();
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
        try (GrpcTransport zero = GrpcTransport.bind(0, 2, any, settings, TlsFixtures.peers(pair, TlsFixtures.WORKERS,
                line -> {}));
             GrpcTransport one = GrpcTransport.bind(1, 2, any, settings, TlsFixtures.peers(pair, TlsFixtures.WORKERS,
                     line -> {}))) {
            List<InetSocketAddress> ring = List.of(zero.localAddress(), one.localAddress());
            zero.connect(ring);
            one.connect(ring);
            exchange(zero, one, 0);
            int port = zero.localAddress().getPort();
            garbageBeforeTls(port);
            garbageFrames(port, TlsFixtures.sslContext(pair, pair));
            TlsSettings tls = pair.settings();
            Map<Status.Code, Integer> outcomes = new EnumMap<>(Status.Code.class);
            for (String token : new String[] {null, "not-the-token-0123456789abcdef", TlsFixtures.WORKERS}) {
                ManagedChannel c = TlsFixtures.channel("127.0.0.1", port, tls, token);
                // With the token, only headers that name no peer of rank 0's world: a peer's own stream is trusted.
                fuzzCollective(c, token == null ? "1" : token.startsWith("not") ? "1" : "7", 40, outcomes);
                c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            System.out.println("collective fuzz at a joined rank: " + outcomes);
            assertTrue(outcomes.keySet().stream().noneMatch(c -> c == Status.Code.OK), outcomes.toString());
            exchange(zero, one, 1);

            // A rank whose peer is the fuzzer itself: its chunks reach the parser, which refuses them.
            try (GrpcTransport victim = GrpcTransport.bind(0, 2, any, settings, TlsFixtures.peers(pair,
                    TlsFixtures.WORKERS, line -> {}))) {
                ManagedChannel c = TlsFixtures.channel("127.0.0.1", victim.localAddress().getPort(), tls,
                        TlsFixtures.WORKERS);
                Map<Status.Code, Integer> parsed = new EnumMap<>(Status.Code.class);
                fuzzCollective(c, "1", 40, parsed);
                System.out.println("collective fuzz as a peer: " + parsed);
                assertTrue(parsed.getOrDefault(Status.Code.INTERNAL, 0) + parsed.getOrDefault(Status.Code.UNKNOWN, 0)
                        > 0, "unparsable chunks: " + parsed);
                assertTrue(parsed.getOrDefault(Status.Code.RESOURCE_EXHAUSTED, 0) > 0, "oversized chunks: " + parsed);
                c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            exchange(zero, one, 2);
        }
    }

    private byte[] state() throws IOException {
        try (var files = Files.list(dir.resolve("state"))) {
            return Files.readAllBytes(files.filter(p -> p.toString().endsWith(".bin")).findFirst().orElseThrow());
        }
    }

    private static void exchange(GrpcTransport zero, GrpcTransport one, int step) {
        ChunkTag tag = new ChunkTag(7, 0, step, 0);
        byte[] data = ("chunk " + step).getBytes(StandardCharsets.US_ASCII);
        one.send(0, tag, ByteBuffer.wrap(data), Duration.ofSeconds(10));
        assertEquals(ByteBuffer.wrap(data), zero.receive(1, tag, Duration.ofSeconds(10)));
        zero.send(1, tag, ByteBuffer.wrap(data), Duration.ofSeconds(10));
        assertEquals(ByteBuffer.wrap(data), one.receive(0, tag, Duration.ofSeconds(10)));
    }

    /** Random and mutated requests (and an oversized one every tenth) at every method, one call each. */
    private void fuzzCoordinator(ManagedChannel c, List<byte[]> valid, int calls, Map<Status.Code, Integer> outcomes)
            throws InterruptedException {
        String[] unary = {"Submit", "Status", "Cancel", "List", "RegisterWorker", "Heartbeat", "WorkerReady",
                "CommitStep", "ReportFailure", "Log"};
        for (int i = 0; i < calls; i++) {
            boolean watch = i % 11 == 5;
            String method = watch ? "Watch" : unary[rng.nextInt(unary.length)];
            byte[] body = i % 10 == 9 ? random(OVERSIZED) : i % 2 == 0 ? random(rng.nextInt(512))
                    : mutate(valid.get(rng.nextInt(valid.size())));
            Status s = TlsFixtures.call(c, TlsFixtures.method("lockstep.v1.Coordinator/" + method,
                    watch ? MethodType.SERVER_STREAMING : MethodType.UNARY), new Metadata(), List.of(body));
            outcomes.merge(s.getCode(), 1, Integer::sum);
        }
    }

    /** Send streams with random, mutated and oversized chunks, claiming {@code rank} of a world of 2. */
    private void fuzzCollective(ManagedChannel c, String rank, int streams, Map<Status.Code, Integer> outcomes)
            throws InterruptedException {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("lockstep-rank", Metadata.ASCII_STRING_MARSHALLER), rank);
        headers.put(Metadata.Key.of("lockstep-world-size", Metadata.ASCII_STRING_MARSHALLER), "2");
        for (int i = 0; i < streams; i++) {
            List<byte[]> messages = new ArrayList<>();
            for (int m = 1 + rng.nextInt(5); m > 0; m--) {
                byte[] chunk = Chunk.newBuilder().setHeader(ChunkHeader.newBuilder().setFromRank(Integer.parseInt(rank))
                        .setOperation(rng.nextInt(5)).setStep(rng.nextInt(3))).setData(ByteString.copyFrom(
                        random(rng.nextInt(256)))).build().toByteArray();
                messages.add(i % 10 == 9 ? random(settingsMax() + 1) : m % 2 == 0 ? random(rng.nextInt(300))
                        : mutate(chunk));
            }
            Status s = TlsFixtures.call(c, TlsFixtures.method("lockstep.v1.Collective/Send",
                    MethodType.CLIENT_STREAMING), headers, messages);
            outcomes.merge(s.getCode(), 1, Integer::sum);
        }
    }

    private static int settingsMax() {
        return GrpcTransportSettings.defaults().maxMessageBytes();
    }

    private byte[] random(int n) {
        byte[] b = new byte[n];
        rng.nextBytes(b);
        return b;
    }

    private byte[] mutate(byte[] valid) {
        byte[] b = valid.clone();
        for (int flips = 1 + rng.nextInt(6); flips > 0 && b.length > 0; flips--) {
            b[rng.nextInt(b.length)] ^= (byte) (1 + rng.nextInt(255));
        }
        return rng.nextInt(4) == 0 ? Arrays.copyOf(b, rng.nextInt(b.length + 1)) : b;
    }

    /** Random bytes where a TLS client hello belongs: the handshake fails, the connection closes. */
    private void garbageBeforeTls(int port) throws IOException {
        for (int i = 0; i < 20; i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                s.setSoTimeout(1000);
                OutputStream out = s.getOutputStream();
                out.write(random(1 + rng.nextInt(4096)));
                out.flush();
                s.getInputStream().read(new byte[512]); // until the server answers or hangs up
            } catch (IOException expected) {
                // reset by the server
            }
        }
    }

    /** After a good handshake (ALPN h2): the HTTP/2 preface, then random frames. */
    private void garbageFrames(int port, SSLContext tls) throws IOException {
        byte[] preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 20; i++) {
            try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                s.setSoTimeout(1000);
                SSLParameters p = s.getSSLParameters();
                p.setApplicationProtocols(new String[] {"h2"});
                s.setSSLParameters(p);
                s.startHandshake();
                OutputStream out = s.getOutputStream();
                out.write(preface);
                for (int f = 0; f < 20; f++) {
                    int length = rng.nextInt(64);
                    byte[] header = {(byte) (length >>> 16), (byte) (length >>> 8), (byte) length,
                            (byte) rng.nextInt(10), (byte) rng.nextInt(256), (byte) rng.nextInt(128),
                            (byte) rng.nextInt(256), (byte) rng.nextInt(256), (byte) (1 + rng.nextInt(9))};
                    out.write(header);
                    out.write(random(length));
                }
                out.flush();
                s.getInputStream().read(new byte[512]);
            } catch (IOException expected) {
                // a GOAWAY and a closed connection
            }
        }
    }
}
