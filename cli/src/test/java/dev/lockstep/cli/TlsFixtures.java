package dev.lockstep.cli;

import dev.lockstep.collective.PeerSecurity;
import dev.lockstep.coordinator.Coordinator;
import dev.lockstep.coordinator.CoordinatorConfig;
import dev.lockstep.coordinator.CoordinatorSecurity;
import dev.lockstep.coordinator.CoordinatorServer;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** TLS material, secured servers and raw gRPC calls for the security and fuzz tests. */
final class TlsFixtures {
    private TlsFixtures() {}

    static final String ADMIN = "admin-token-0123456789abcdef";
    static final String WORKERS = "worker-token-0123456789abcdef";

    /** The job spec CoordinatorCommandsTest submits. */
    static final String SPEC = CoordinatorCommandsTest.SPEC;

    static Path secretFile(Path dir, String name, String token) {
        try {
            Path f = dir.resolve(name);
            Files.writeString(f, token + "\n");
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A coordinator on 127.0.0.1 serving TLS with {@code pair}, requiring {@link #ADMIN}. */
    static CoordinatorServer coordinator(Path stateDir, SelfSignedPair pair, boolean clientAuth, Consumer<String> refusals)
            throws IOException {
        TlsSettings tls = new TlsSettings(true, Optional.of(pair.cert()), Optional.of(pair.key()),
                Optional.of(pair.cert()), clientAuth, Optional.empty());
        Coordinator coordinator = Coordinator.open(stateDir, CoordinatorConfig.of(Lockstep.VERSION), InstantSource.system());
        return CoordinatorServer.start(coordinator, "127.0.0.1", 0, null, new CoordinatorSecurity(tls.serverCredentials(),
                Optional.of(Secret.of(ADMIN, "test").sha256()), refusals));
    }

    /** Client settings trusting {@code trust}, presenting {@code clientCert}'s pair if not null. */
    static TlsSettings client(SelfSignedPair trust, SelfSignedPair clientCert) {
        return new TlsSettings(true, Optional.ofNullable(clientCert).map(SelfSignedPair::cert),
                Optional.ofNullable(clientCert).map(SelfSignedPair::key), Optional.of(trust.cert()), false, Optional.empty());
    }

    /** A worker's peer protection with {@code pair} (mutual TLS) and {@code token}. */
    static PeerSecurity peers(SelfSignedPair pair, String token, Consumer<String> refusals) {
        return WorkerCommand.peers(pair.settings(), Optional.ofNullable(token).map(t -> Secret.of(t, "test")), refusals);
    }

    /** A JDK SSLContext trusting {@code trust} and presenting {@code client} (if not null), for raw sockets. */
    static SSLContext sslContext(SelfSignedPair trust, SelfSignedPair client) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", PemFiles.certificates(trust.cert(), "trust").getFirst());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        KeyManagerFactory kmf = null;
        if (client != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            char[] pw = "pw".toCharArray();
            keys.setKeyEntry("me", PemFiles.privateKey(client.key(), "key"), pw,
                    PemFiles.certificates(client.cert(), "cert").toArray(new java.security.cert.Certificate[0]));
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, pw);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream in) {
            try {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    static MethodDescriptor<byte[], byte[]> method(String fullName, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<byte[], byte[]>newBuilder().setFullMethodName(fullName).setType(type)
                .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
    }

    static ManagedChannel channel(String host, int port, TlsSettings tls, String token) {
        return NettyChannelBuilder.forAddress(host, port, tls.channelCredentials(Optional.ofNullable(token)
                .map(t -> Secret.of(t, "test")))).maxInboundMessageSize(16 << 20).build();
    }

    /**
     * Sends {@code messages} on one call of {@code method} with {@code headers} and returns how it ended
     * (bounded: cancelled after 10 s).
     */
    static Status call(ManagedChannel channel, MethodDescriptor<byte[], byte[]> method, Metadata headers,
                       List<byte[]> messages) throws InterruptedException {
        ClientCall<byte[], byte[]> call = channel.newCall(method, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS));
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<Status> status = new AtomicReference<>();
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onClose(Status s, Metadata trailers) {
                status.set(s);
                done.countDown();
            }
        }, headers);
        call.request(Integer.MAX_VALUE);
        try {
            for (byte[] m : messages) {
                call.sendMessage(m);
            }
            call.halfClose();
        } catch (IllegalStateException closedAlready) {
            // the server refused the call before it was all sent
        }
        if (!done.await(15, TimeUnit.SECONDS)) {
            call.cancel("the test gave up", null);
            throw new AssertionError(method.getFullMethodName() + " did not end within 15 s");
        }
        return status.get();
    }
}
