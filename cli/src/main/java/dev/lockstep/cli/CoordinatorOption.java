package dev.lockstep.cli;

import picocli.CommandLine.Option;

/** {@code --coordinator HOST:PORT}, for the commands that talk to a running coordinator. */
final class CoordinatorOption {
    @Option(names = "--coordinator", required = true, paramLabel = "HOST:PORT",
            description = "Address of the coordinator (as `lockstep coordinator` printed it).")
    String address;

    CoordinatorClient connect() {
        return CoordinatorClient.connect(address);
    }
}
