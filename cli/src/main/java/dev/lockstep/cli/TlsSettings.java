package dev.lockstep.cli;

import io.grpc.ChannelCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettySslContextChannelCredentials;
import io.grpc.netty.NettySslContextServerCredentials;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * A process's TLS material, as its flags name it, and the one place gRPC credentials are made from it.
 * TLS is the JDK's provider ({@link SslProvider#JDK}: ALPN is built into JDK 9 and later, so no native
 * library is needed), TLS 1.3 and 1.2 only; servers' certificates are checked against the host a client
 * dials (or {@code serverName}).
 *
 * @param enabled whether to use TLS at all; the rest is ignored when not
 * @param cert this process's certificate chain: its server's, and its client certificate where a server
 *     requires one (mutual TLS)
 * @param key the private key of {@code cert}
 * @param trust the certificates to trust; empty: the JDK's default CAs (clients only)
 * @param clientAuth whether this process's server requires (and verifies against {@code trust}) a client
 *     certificate
 * @param serverName the name servers' certificates must carry instead of the dialled host
 */
record TlsSettings(boolean enabled, Optional<Path> cert, Optional<Path> key, Optional<Path> trust, boolean clientAuth,
                   Optional<String> serverName) {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    static TlsSettings off() {
        return new TlsSettings(false, Optional.empty(), Optional.empty(), Optional.empty(), false, Optional.empty());
    }

    /** For the server this process runs: TLS from {@code cert} and {@code key}, or plaintext. */
    ServerCredentials serverCredentials() {
        if (!enabled) {
            return InsecureServerCredentials.create();
        }
        Path certFile = cert.orElseThrow(() -> new UsageProblem("--tls-cert: required to serve TLS"));
        Path keyFile = key.orElseThrow(() -> new UsageProblem("--tls-key: required with --tls-cert " + certFile));
        List<X509Certificate> chain = PemFiles.certificates(certFile, "--tls-cert");
        PrivateKey privateKey = PemFiles.privateKey(keyFile, "--tls-key");
        PemFiles.checkPair(privateKey, chain.getFirst(), keyFile, certFile);
        SslContextBuilder b = GrpcSslContexts.configure(SslContextBuilder.forServer(privateKey, chain), SslProvider.JDK)
                .protocols(PROTOCOLS);
        if (clientAuth) {
            Path trustFile = trust.orElseThrow(() -> new UsageProblem(
                    "--tls-client-auth: needs --tls-trust FILE, the CA certificates client certificates are checked against"));
            b.trustManager(PemFiles.certificates(trustFile, "--tls-trust")).clientAuth(ClientAuth.REQUIRE);
        }
        return NettySslContextServerCredentials.create(build(b, certFile));
    }

    /** For the channels this process opens: TLS (with a client certificate when it has one) and the token. */
    ChannelCredentials channelCredentials(Optional<Secret> token) {
        ChannelCredentials transport = enabled ? tlsChannel() : InsecureChannelCredentials.create();
        return token.<ChannelCredentials>map(t -> CompositeChannelCredentials.create(transport, new BearerToken(t)))
                .orElse(transport);
    }

    private ChannelCredentials tlsChannel() {
        SslContextBuilder b = GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
                .protocols(PROTOCOLS);
        trust.ifPresent(t -> b.trustManager(PemFiles.certificates(t, "--tls-trust")));
        if (cert.isPresent()) {
            Path keyFile = key.orElseThrow(() -> new UsageProblem("--tls-key: required with --tls-cert " + cert.get()));
            List<X509Certificate> chain = PemFiles.certificates(cert.get(), "--tls-cert");
            PrivateKey privateKey = PemFiles.privateKey(keyFile, "--tls-key");
            PemFiles.checkPair(privateKey, chain.getFirst(), keyFile, cert.get());
            b.keyManager(privateKey, chain);
        }
        return NettySslContextChannelCredentials.create(build(b, cert.orElse(trust.orElse(null))));
    }

    private static SslContext build(SslContextBuilder b, Path what) {
        try {
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new UsageProblem("TLS set-up" + (what == null ? "" : " with " + what) + " failed: " + e.getMessage());
        }
    }

    /** "TLS" or "plaintext", with mutual TLS noted, for start-up lines. */
    String describe() {
        return !enabled ? "plaintext" : clientAuth ? "TLS, client certificates required" : "TLS";
    }
}
