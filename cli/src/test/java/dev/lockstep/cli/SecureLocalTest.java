package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lockstep local --workers 2} over TLS (its own throw-away pair, mutual TLS) with tokens trains to
 * the end, keeps the key private, and writes the token nowhere: not in its output, the workers' logs or the
 * coordinator's state.
 */
@Tag("slow")
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class SecureLocalTest {
    @Test
    void twoWorkersTrainOverTlsWithTokensAndTheTokenIsWrittenNowhere(@TempDir Path dir) throws Exception {
        String token = "local-admin-token-0123456789abcdef";
        Path tokenFile = TlsFixtures.secretFile(dir, "admin.token", token);
        Path job = LocalTrainingTest.write(dir, "job.yaml", LocalTrainingTest.mlp(dir.resolve("model"), 20, 20, ""));
        Path state = dir.resolve("state");
        CommandLineTest.Result r = LocalTrainingTest.local(job, state, "--workers", "2", "--token-file",
                tokenFile.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("SUCCEEDED at step 20"), r.out());
        assertTrue(r.out().contains("connections: TLS, client certificates required"), r.out());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("tls/key.pem"))));
        assertEquals(20, LocalTrainingTest.newestStep(dir.resolve("model")));
        assertFalse((r.out() + r.err()).contains(token));
        try (Stream<Path> files = Files.walk(state)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertFalse(text.contains(token), "the token is in " + f);
            }
        }
    }

    @Test
    void noTlsWithTlsFlagsIsAUsageError(@TempDir Path dir) throws Exception {
        Path job = LocalTrainingTest.write(dir, "job.yaml", LocalTrainingTest.mlp(dir.resolve("model"), 20, 20, ""));
        CommandLineTest.Result r = LocalTrainingTest.local(job, dir.resolve("state"), "--no-tls", "--tls-cert",
                job.toString());
        assertEquals(Lockstep.USAGE, r.code(), r.err());
        assertTrue(r.err().contains("--no-tls: leave out the --tls-* and --token-* flags"), r.err());
    }
}
