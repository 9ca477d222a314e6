package dev.lockstep.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code --coordinator HOST:PORT} with the TLS flags and the token, for the commands that talk to a running
 * coordinator.
 */
final class CoordinatorOption {
    @Option(names = "--coordinator", required = true, paramLabel = "HOST:PORT",
            description = "Address of the coordinator (as `lockstep coordinator` printed it).")
    String address;

    @Mixin
    TlsOptions tls;

    @Mixin
    TlsOptions.Client tlsClient;

    @Mixin
    TokenOptions token;

    CoordinatorClient connect(PrintWriter err) {
        return CoordinatorClient.connect(address, tls.client(tlsClient, err), token.read(err));
    }
}
