package dev.lockstep.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --token-file FILE} or {@code --token-env NAME}: where a token comes from (never the command line). */
final class TokenOptions {
    @Option(names = "--token-file", paramLabel = "FILE", description = "Read the bearer token from this file "
            + "(one line; keep it mode 600).")
    Path file;

    @Option(names = "--token-env", paramLabel = "NAME", description = "Read the bearer token from this "
            + "environment variable.")
    String env;

    /** The token, if one is given; a file readable by others gets a warning on {@code err}. */
    Optional<Secret> read(PrintWriter err) {
        return read(file, env, "--token-file", "--token-env", err);
    }

    static Optional<Secret> read(Path file, String env, String fileFlag, String envFlag, PrintWriter err) {
        if (file != null && env != null) {
            throw new UsageProblem(fileFlag + " and " + envFlag + ": give one of them, not both");
        }
        if (file != null) {
            Secret s = Secret.fromFile(file, fileFlag);
            PemFiles.warnIfShared(file, fileFlag, err);
            return Optional.of(s);
        }
        return env == null ? Optional.empty() : Optional.of(Secret.fromEnv(env, System.getenv(), envFlag));
    }
}
