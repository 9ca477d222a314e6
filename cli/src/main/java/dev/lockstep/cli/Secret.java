package dev.lockstep.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A bearer token, read from a file or an environment variable (never from the command line). It prints as
 * {@code (secret)}, so it cannot reach a log or a message by accident; the coordinator and peers only ever
 * see its SHA-256 or the {@code authorization} header of a call.
 */
final class Secret {
    /** Short tokens can be guessed from their SHA-256, which the coordinator's state file holds. */
    static final int MIN_LENGTH = 16;
    private static final int MAX_LENGTH = 4096;

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /** A new random token: 32 bytes from {@link SecureRandom}, base64url. */
    static Secret random() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return new Secret(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /** The token in {@code file} (surrounding whitespace and the final newline dropped); {@code flag} names it in errors. */
    static Secret fromFile(Path file, String flag) {
        if (!Files.isRegularFile(file)) {
            throw new UsageProblem(flag + " " + file + ": no such file");
        }
        String text;
        try {
            if (Files.size(file) > MAX_LENGTH) {
                throw new UsageProblem(flag + " " + file + ": larger than " + MAX_LENGTH + " bytes; it should hold one token");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageProblem(flag + " " + file + ": cannot be read: " + e.getMessage());
        }
        return of(text.strip(), flag + " " + file);
    }

    /** The token in environment variable {@code name} of {@code env}. */
    static Secret fromEnv(String name, java.util.Map<String, String> env, String flag) {
        String text = env.get(name);
        if (text == null) {
            throw new UsageProblem(flag + " " + name + ": the environment variable is not set");
        }
        return of(text.strip(), flag + " " + name);
    }

    /** Checks the token's form; {@code source} ("--token-file /run/token") names it in errors, never its value. */
    static Secret of(String token, String source) {
        if (token.length() < MIN_LENGTH) {
            throw new UsageProblem(source + ": the token has " + token.length() + " characters; use at least "
                    + MIN_LENGTH + " random ones (for example: openssl rand -hex 32)");
        }
        // RFC 6750's b64token: what fits in an authorization header unquoted.
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~+/=".indexOf(c) >= 0;
            if (!ok) {
                throw new UsageProblem(source + ": the token has a character outside A-Z a-z 0-9 - . _ ~ + / = at "
                        + "offset " + i + " (one token on one line)");
            }
        }
        return new Secret(token);
    }

    /** The token itself: only for the call credentials that send it. */
    String value() {
        return value;
    }

    /** Lowercase hex SHA-256: what the coordinator stores and peers compare. */
    String sha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "(secret)";
    }
}
