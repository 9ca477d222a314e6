package dev.lockstep.rules;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code ./mvnw} with a JDK older than 25 used to die in the JVM launcher ("Unrecognized option:
 * --sun-misc-unsafe-memory-access=allow", from .mvn/jvm.config) without saying that a JDK 25 is needed.
 * Runs the wrapper on the parent pom alone with an older JDK from /usr/lib/jvm (skipped when there is none).
 */
@Tag("slow") // starts other JVMs
class WrongJdkTest {
    static Optional<Path> olderJdk() throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(jvms)) {
            return s.filter(p -> Files.isExecutable(p.resolve("bin/java")) && Files.isExecutable(p.resolve("bin/javac")))
                    .filter(p -> p.getFileName().toString().matches("(java-|openjdk-|temurin-|jdk-?)?(1[1-9]|2[0-4])\\D.*"))
                    .sorted().findFirst();
        }
    }

    @Test
    void theWrapperWithAnOlderJdkSaysThatAJdk25IsNeeded() throws Exception {
        Optional<Path> jdk = olderJdk();
        assumeTrue(jdk.isPresent(), "no JDK 11-24 under /usr/lib/jvm to try the wrapper with");
        Path root = Path.of("..").toAbsolutePath().normalize();
        Path log = Files.createTempFile("lockstep-wrong-jdk", ".log");
        List<String> command = new ArrayList<>(List.of(root.resolve("mvnw").toString(), "-B", "-ntp", "-o", "-q", "-N",
                "validate"));
        // Offline, so the enforcer must come from the repository this build uses (surefire passes -D flags on).
        Optional.ofNullable(System.getProperty("maven.repo.local")).ifPresent(r -> command.add("-Dmaven.repo.local=" + r));
        ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("JAVA_HOME", jdk.get().toString());
        pb.environment().remove("MAVEN_OPTS");
        Process p = pb.start();
        try {
            assertTrue(p.waitFor(180, TimeUnit.SECONDS), "./mvnw did not finish within 180 s");
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertNotEquals(0, p.exitValue(), output);
            assertFalse(output.contains("Unrecognized option"), output);
            assertTrue(output.contains("Lockstep needs a JDK 25 to build; this is Java "), output);
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }
}
