package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.collective.CollectiveException;
import dev.lockstep.collective.ChunkTag;
import dev.lockstep.collective.GrpcTransport;
import dev.lockstep.collective.GrpcTransportSettings;
import dev.lockstep.coordinator.CoordinatorServer;
import dev.lockstep.proto.v1.JobStatus;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS and tokens over real sockets on 127.0.0.1: the commands work with the trust and the token, and
 * clients without the token, with another one, in plaintext or trusting another certificate are refused or
 * fail the handshake, changing nothing.
 */
@Tag("slow")
@Timeout(120)
class SecurityTest {
    @TempDir
    Path dir;
    SelfSignedPair pair;
    SelfSignedPair stranger;
    CoordinatorServer server;
    final List<String> refusals = new CopyOnWriteArrayList<>();
    Path spec;
    Path adminToken;
    String jobId;

    @BeforeEach
    void start() throws Exception {
        pair = SelfSignedPair.create(dir.resolve("tls"));
        stranger = SelfSignedPair.create(dir.resolve("stranger"));
        server = TlsFixtures.coordinator(dir.resolve("state"), pair, false, refusals::add);
        spec = dir.resolve("job.yaml");
        Files.writeString(spec, TlsFixtures.SPEC);
        adminToken = TlsFixtures.secretFile(dir, "admin.token", TlsFixtures.ADMIN);
        CommandLineTest.Result r = client("submit", "--token-file", adminToken.toString(), "--no-wait", spec.toString());
        assertEquals(Lockstep.OK, r.code(), r.err());
        jobId = r.out().strip();
    }

    @AfterEach
    void stop() throws InterruptedException {
        server.close();
    }

    /** A command against the coordinator, trusting its certificate, plus {@code more}. */
    private CommandLineTest.Result client(String command, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of(command, "--coordinator", server.address(),
                "--tls-trust", pair.cert().toString()));
        args.addAll(List.of(more));
        return CommandLineTest.run(args.toArray(String[]::new));
    }

    private byte[] state() throws Exception {
        try (var files = Files.list(dir.resolve("state"))) {
            Path f = files.filter(p -> p.getFileName().toString().endsWith(".bin")).findFirst().orElseThrow();
            return Files.readAllBytes(f);
        }
    }

    @Test
    void theCommandsWorkWithTheTrustAndTheToken() {
        CommandLineTest.Result list = client("list", "--token-file", adminToken.toString());
        assertEquals(Lockstep.OK, list.code(), list.err());
        assertTrue(list.out().contains(jobId), list.out());
        CommandLineTest.Result status = client("status", "--token-env", "LOCKSTEP_TEST_NO_SUCH_VARIABLE", jobId);
        assertEquals(Lockstep.USAGE, status.code(), status.err());
        assertTrue(status.err().contains("--token-env LOCKSTEP_TEST_NO_SUCH_VARIABLE: the environment variable is not set"),
                status.err());
    }

    @Test
    void clientsWithoutTheTokenOrWithAnotherAreRefusedAndChangeNothing() throws Exception {
        List<JobStatus> before = server.coordinator().list();
        byte[] stateBefore = state();
        Path wrong = TlsFixtures.secretFile(dir, "wrong.token", "not-the-admin-token-0123456789");
        for (String[] token : new String[][] {{}, {"--token-file", wrong.toString()}}) {
            for (String[] call : new String[][] {{"list"}, {"cancel", jobId}, {"status", jobId}, {"logs", jobId},
                    {"submit", "--no-wait", spec.toString()}}) {
                String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(token),
                        java.util.Arrays.stream(call).skip(1)).toArray(String[]::new);
                CommandLineTest.Result r = client(call[0], args);
                assertEquals(Lockstep.RUNTIME_FAILURE, r.code(), call[0] + ": " + r.out() + r.err());
                assertTrue(r.err().contains("refused") && r.err().contains("--token-file"), r.err());
                assertFalse(r.err().contains(TlsFixtures.ADMIN) || r.err().contains("not-the-admin"), r.err());
            }
        }
        assertEquals(before, server.coordinator().list());
        assertArrayEquals(stateBefore, state());
        assertEquals(10, refusals.size(), String.join("\n", refusals));
        assertTrue(refusals.stream().allMatch(l -> l.startsWith("refused ") && l.contains("127.0.0.1")),
                String.join("\n", refusals));
    }

    @Test
    void aPlaintextClientOrOneTrustingAnotherCertificateGetsNoAnswer() throws Exception {
        byte[] stateBefore = state();
        CommandLineTest.Result plain = CommandLineTest.run("submit", "--coordinator", server.address(), "--token-file",
                adminToken.toString(), "--no-wait", spec.toString());
        assertEquals(Lockstep.RUNTIME_FAILURE, plain.code(), plain.err());
        assertTrue(plain.err().contains("cannot reach the coordinator") && plain.err().contains("--tls-trust"),
                plain.err());
        CommandLineTest.Result mistrust = CommandLineTest.run("list", "--coordinator", server.address(), "--tls-trust",
                stranger.cert().toString(), "--token-file", adminToken.toString());
        assertEquals(Lockstep.RUNTIME_FAILURE, mistrust.code(), mistrust.err());
        assertTrue(mistrust.err().contains("TLS handshake"), mistrust.err());
        assertEquals(1, server.coordinator().list().size());
        assertArrayEquals(stateBefore, state());
    }

    @Test
    void aCoordinatorThatRequiresClientCertificatesRefusesAClientWithoutOne(@TempDir Path other) throws Exception {
        try (CoordinatorServer mtls = TlsFixtures.coordinator(other, pair, true, line -> {})) {
            CommandLineTest.Result without = CommandLineTest.run("list", "--coordinator", mtls.address(),
                    "--tls-trust", pair.cert().toString(), "--token-file", adminToken.toString());
            assertEquals(Lockstep.RUNTIME_FAILURE, without.code(), without.err());
            CommandLineTest.Result strangers = CommandLineTest.run("list", "--coordinator", mtls.address(),
                    "--tls-trust", pair.cert().toString(), "--tls-cert", stranger.cert().toString(), "--tls-key",
                    stranger.key().toString(), "--token-file", adminToken.toString());
            assertEquals(Lockstep.RUNTIME_FAILURE, strangers.code(), strangers.err());
            CommandLineTest.Result with = CommandLineTest.run("list", "--coordinator", mtls.address(),
                    "--tls-trust", pair.cert().toString(), "--tls-cert", pair.cert().toString(), "--tls-key",
                    pair.key().toString(), "--token-file", adminToken.toString());
            assertEquals(Lockstep.OK, with.code(), with.err());
            assertTrue(mtls.coordinator().list().isEmpty());
        }
    }

    @Test
    void badTlsAndTokenFlagsAreUsageErrorsNamingTheFile() throws Exception {
        Path shortToken = TlsFixtures.secretFile(dir, "short.token", "abc");
        CommandLineTest.Result r = client("list", "--token-file", shortToken.toString());
        assertEquals(Lockstep.USAGE, r.code(), r.err());
        assertTrue(r.err().contains("--token-file " + shortToken + ": the token has 3 characters"), r.err());
        r = CommandLineTest.run("list", "--coordinator", server.address(), "--tls-cert", pair.cert().toString(),
                "--tls-key", stranger.key().toString());
        assertEquals(Lockstep.USAGE, r.code(), r.err());
        assertTrue(r.err().contains("--tls-key " + stranger.key() + " is not the private key of the certificate"), r.err());
        r = CommandLineTest.run("list", "--coordinator", server.address(), "--tls-trust", spec.toString());
        assertEquals(Lockstep.USAGE, r.code(), r.err());
        assertTrue(r.err().contains("--tls-trust " + spec), r.err());
        r = CommandLineTest.run("coordinator", "--port", "0", "--tls-client-auth", "--tls-cert", pair.cert().toString(),
                "--tls-key", pair.key().toString());
        assertEquals(Lockstep.USAGE, r.code(), r.err());
        assertTrue(r.err().contains("--tls-client-auth: needs --tls-trust FILE"), r.err());
        r = CommandLineTest.run("worker", "--coordinator", server.address(), "--tls-trust", pair.cert().toString());
        assertEquals(Lockstep.USAGE, r.code(), r.err());
        assertTrue(r.err().contains("--tls-cert: required with TLS"), r.err());
    }

    @Test
    void collectiveStreamsNeedTheJobsTokenAndAClientCertificate() throws Exception {
        GrpcTransportSettings settings = GrpcTransportSettings.defaults();
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
        List<String> refused = new CopyOnWriteArrayList<>();
        try (GrpcTransport zero = GrpcTransport.bind(0, 2, any, settings, TlsFixtures.peers(pair, TlsFixtures.WORKERS,
                refused::add));
             GrpcTransport one = GrpcTransport.bind(1, 2, any, settings, TlsFixtures.peers(pair, TlsFixtures.WORKERS,
                     line -> {}));
             GrpcTransport wrongToken = GrpcTransport.bind(1, 2, any, settings, TlsFixtures.peers(pair,
                     "another-job-token-0123456789", line -> {}));
             GrpcTransport noCertificate = GrpcTransport.bind(1, 2, any, settings, TlsFixtures.peers(stranger,
                     TlsFixtures.WORKERS, line -> {}))) {
            List<InetSocketAddress> ring = List.of(zero.localAddress(), one.localAddress());
            zero.connect(ring);
            one.connect(ring);
            wrongToken.connect(List.of(zero.localAddress(), wrongToken.localAddress()));
            noCertificate.connect(List.of(zero.localAddress(), noCertificate.localAddress()));
            ChunkTag tag = new ChunkTag(1, 0, 0, 0);
            for (GrpcTransport intruder : List.of(wrongToken, noCertificate)) {
                CollectiveException e = assertThrows(CollectiveException.class, () -> {
                    for (int i = 0; i < 50; i++) { // until the refusal reaches the sender
                        intruder.send(0, tag, ByteBuffer.wrap(new byte[] {9, 9, 9, 9}), Duration.ofSeconds(5));
                        Thread.sleep(100);
                    }
                });
                assertTrue(e.getMessage().contains("UNAUTHENTICATED") || e.getMessage().contains("UNAVAILABLE"),
                        e.getMessage());
            }
            one.send(0, tag, ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), Duration.ofSeconds(5));
            ByteBuffer got = zero.receive(1, tag, Duration.ofSeconds(5));
            assertEquals(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), got, "rank 0 got rank 1's chunk, not an intruder's");
            assertTrue(refused.stream().anyMatch(l -> l.contains("wrong bearer token")), String.join("\n", refused));
        }
    }
}
