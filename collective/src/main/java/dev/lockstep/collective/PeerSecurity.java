package dev.lockstep.collective;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How a worker's collective server and its streams to the other ranks are protected. The credentials are
 * built by the caller (the CLI, from its flags); this library only applies them.
 *
 * @param server credentials of this endpoint's server: TLS, with or without required client certificates,
 *     or {@link InsecureServerCredentials} for plaintext
 * @param peers credentials of the channels to the other ranks: TLS (with a client certificate for mutual
 *     TLS) and the call credentials that present the job's worker token
 * @param authority the name the peers' certificates are checked against instead of the host of their ring
 *     address (one certificate for every worker); empty: the host
 * @param tokenSha256 lowercase hex SHA-256 of the token every inbound stream must present as
 *     {@code authorization: Bearer ...}; empty: no token is asked for
 * @param refusals receives one line per refused stream, naming the remote address and why (never a token)
 */
public record PeerSecurity(ServerCredentials server, ChannelCredentials peers, Optional<String> authority,
                           Optional<String> tokenSha256, Consumer<String> refusals) {
    public PeerSecurity {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(peers, "peers");
        Objects.requireNonNull(authority, "authority");
        Objects.requireNonNull(tokenSha256, "tokenSha256");
        Objects.requireNonNull(refusals, "refusals");
        tokenSha256.ifPresent(h -> {
            if (h.length() != 64 || !h.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                throw new IllegalArgumentException("tokenSha256 must be 64 lowercase hex digits");
            }
        });
    }

    /** Plaintext, no token: for tests and for a world that lives on one trusted host. */
    public static PeerSecurity insecure() {
        return new PeerSecurity(InsecureServerCredentials.create(), InsecureChannelCredentials.create(),
                Optional.empty(), Optional.empty(), line -> {});
    }

    byte[] tokenDigest() {
        return tokenSha256.map(HexFormat.of()::parseHex).orElse(null);
    }
}
