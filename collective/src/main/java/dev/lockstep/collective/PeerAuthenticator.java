package dev.lockstep.collective;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.Consumer;

/**
 * The collective server's one check of the job's worker token: a stream without {@code authorization:
 * Bearer TOKEN}, or with another token, is closed with {@code UNAUTHENTICATED} before the stream handler
 * sees it (so it is neither parked nor routed) and reported on one line. Only digests are compared, in
 * constant time.
 */
final class PeerAuthenticator implements ServerInterceptor {
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "Bearer ";

    private final byte[] expected;
    private final Consumer<String> refusals;

    PeerAuthenticator(byte[] expectedSha256, Consumer<String> refusals) {
        this.expected = expectedSha256.clone();
        this.refusals = refusals;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        String presented = headers.get(AUTHORIZATION);
        String why = presented == null ? "no bearer token (streams between workers carry the job's worker token)"
                : !presented.startsWith(BEARER) ? "the authorization header is not a bearer token"
                : MessageDigest.isEqual(sha256(presented.substring(BEARER.length())), expected) ? null
                : "wrong bearer token (not this job's worker token)";
        if (why == null) {
            return next.startCall(call, headers);
        }
        SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        refusals.accept("refused a collective stream from " + remote + ": " + why);
        call.close(Status.UNAUTHENTICATED.withDescription(why), new Metadata());
        return new ServerCall.Listener<>() {};
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
