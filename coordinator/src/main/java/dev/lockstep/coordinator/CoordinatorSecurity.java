package dev.lockstep.coordinator;

import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How the coordinator's server is protected. The credentials are built by the caller (the CLI, from its
 * flags); the coordinator applies them and checks bearer tokens in one place, {@link Authenticator}.
 *
 * @param credentials the server's TLS credentials (with or without required client certificates), or
 *     {@link InsecureServerCredentials} for plaintext
 * @param adminTokenSha256 lowercase hex SHA-256 of the token that submits, lists, watches and cancels jobs
 *     (and, for a job submitted without a worker token of its own, the token its workers present); empty:
 *     those calls need no token
 * @param refusals receives one line per refused call, naming the method, the remote address and why
 *     (never a token)
 */
public record CoordinatorSecurity(ServerCredentials credentials, Optional<String> adminTokenSha256,
                                  Consumer<String> refusals) {
    public CoordinatorSecurity {
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(adminTokenSha256, "adminTokenSha256");
        Objects.requireNonNull(refusals, "refusals");
        adminTokenSha256.ifPresent(h -> {
            if (!Authenticator.isDigest(h)) {
                throw new IllegalArgumentException("adminTokenSha256 must be 64 lowercase hex digits");
            }
        });
    }

    /** Plaintext, no admin token: jobs submitted with a worker token still require it from their workers. */
    public static CoordinatorSecurity insecure() {
        return new CoordinatorSecurity(InsecureServerCredentials.create(), Optional.empty(), line -> {});
    }
}
