package dev.lockstep.worker;

import dev.lockstep.collective.PeerSecurity;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import java.util.Objects;
import java.util.Optional;

/**
 * How a worker's connections are protected; the credentials are built by the CLI from its flags.
 *
 * @param coordinator credentials of the channel to the coordinator: TLS (with a client certificate where the
 *     coordinator requires one) and the call credentials that present the job's worker token
 * @param coordinatorAuthority the name the coordinator's certificate is checked against instead of the host
 *     of its address; empty: that host
 * @param peers the collective server's and the peer channels' protection
 */
public record WorkerSecurity(ChannelCredentials coordinator, Optional<String> coordinatorAuthority, PeerSecurity peers) {
    public WorkerSecurity {
        Objects.requireNonNull(coordinator, "coordinator");
        Objects.requireNonNull(coordinatorAuthority, "coordinatorAuthority");
        Objects.requireNonNull(peers, "peers");
    }

    /** Plaintext everywhere, no token. */
    public static WorkerSecurity insecure() {
        return new WorkerSecurity(InsecureChannelCredentials.create(), Optional.empty(), PeerSecurity.insecure());
    }
}
