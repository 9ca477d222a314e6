package dev.lockstep.cli;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import java.util.concurrent.Executor;

/** The one place a client attaches its token: {@code authorization: Bearer TOKEN} on every call. */
final class BearerToken extends CallCredentials {
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final Secret token;

    BearerToken(Secret token) {
        this.token = token;
    }

    @Override
    public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token.value());
        applier.apply(headers);
    }

    @Override
    public String toString() {
        return "BearerToken(secret)";
    }
}
