package dev.lockstep.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --tls-cert}, {@code --tls-key}, {@code --tls-trust}: a process's TLS material (PEM files). */
final class TlsOptions {
    @Option(names = "--tls-cert", paramLabel = "FILE", description = "Certificate chain (PEM) this process presents: "
            + "as a server, and as a client where the server requires client certificates.")
    Path cert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "Private key of --tls-cert (PEM, unencrypted; "
            + "keep it mode 600).")
    Path key;

    @Option(names = "--tls-trust", paramLabel = "FILE", description = "CA certificates (PEM) to trust: for servers' "
            + "certificates, and for clients' with --tls-client-auth.")
    Path trust;

    /** The client-side switches: {@code --tls} and {@code --tls-server-name}. */
    static final class Client {
        @Option(names = "--tls", description = "Connect over TLS (implied by --tls-trust and --tls-cert); without "
                + "--tls-trust the JDK's default CAs are trusted.")
        boolean tls;

        @Option(names = "--tls-server-name", paramLabel = "NAME", description = "Check servers' certificates for "
                + "this name instead of the host of their address.")
        String serverName;
    }

    /** A server only (the coordinator): TLS when {@code --tls-cert} is given. */
    TlsSettings server(boolean clientAuth, PrintWriter err) {
        if (cert == null) {
            if (key != null || trust != null || clientAuth) {
                throw new UsageProblem((key != null ? "--tls-key" : trust != null ? "--tls-trust" : "--tls-client-auth")
                        + ": needs --tls-cert FILE and --tls-key FILE, this server's certificate and key");
            }
            return TlsSettings.off();
        }
        return checked(new TlsSettings(true, Optional.of(cert), Optional.ofNullable(key), Optional.ofNullable(trust),
                clientAuth, Optional.empty()), err);
    }

    /** A client only: TLS with {@code --tls}, {@code --tls-trust} or {@code --tls-cert}. */
    TlsSettings client(Client c, PrintWriter err) {
        boolean on = c.tls || cert != null || trust != null || c.serverName != null;
        if (!on) {
            if (key != null) {
                throw new UsageProblem("--tls-key: needs --tls-cert FILE, the client certificate it belongs to");
            }
            return TlsSettings.off();
        }
        return checked(new TlsSettings(true, Optional.ofNullable(cert), Optional.ofNullable(key),
                Optional.ofNullable(trust), false, Optional.ofNullable(c.serverName)), err);
    }

    /** Server and client (a worker): with TLS its collective server needs {@code --tls-cert} and {@code --tls-key}. */
    TlsSettings serverAndClient(Client c, boolean clientAuth, PrintWriter err) {
        boolean on = c.tls || cert != null || key != null || trust != null || c.serverName != null || clientAuth;
        if (!on) {
            return TlsSettings.off();
        }
        if (cert == null) {
            throw new UsageProblem("--tls-cert: required with TLS (with --tls-key): the certificate this worker's "
                    + "collective server presents to the other workers");
        }
        return checked(new TlsSettings(true, Optional.of(cert), Optional.ofNullable(key), Optional.ofNullable(trust),
                clientAuth, Optional.ofNullable(c.serverName)), err);
    }

    private static TlsSettings checked(TlsSettings s, PrintWriter err) {
        if (s.cert().isPresent() != s.key().isPresent()) {
            throw new UsageProblem(s.cert().isPresent() ? "--tls-key: required with --tls-cert " + s.cert().get()
                    : "--tls-cert: required with --tls-key " + s.key().get());
        }
        if (s.clientAuth() && s.trust().isEmpty()) {
            throw new UsageProblem("--tls-client-auth: needs --tls-trust FILE, the CA certificates client certificates "
                    + "are checked against");
        }
        s.key().ifPresent(k -> PemFiles.warnIfShared(k, "--tls-key", err));
        return s;
    }
}
