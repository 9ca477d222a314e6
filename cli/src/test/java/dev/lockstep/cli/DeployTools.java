package dev.lockstep.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lockstep.testing.ExternalProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The tools the deploy tests run: node with deploy/tools' validators, kubectl (kustomize) and promtool. A
 * missing tool skips the test, saying how to install it; .ci/run installs all of them, so CI runs every test.
 */
final class DeployTools {
    static final Path DEPLOY = Path.of("../deploy").toAbsolutePath().normalize();
    static final Path TOOLS = DEPLOY.resolve("tools");
    private static final String INSTALL = "run deploy/tools/install.sh (npm; .ci/run does, so CI runs this test)";

    private DeployTools() {}

    static Path node() {
        Optional<Path> node = ExternalProcess.onPath("node");
        assumeTrue(node.isPresent(), "node is missing: install Node.js 20+ and " + INSTALL);
        assumeTrue(Files.isDirectory(TOOLS.resolve("node_modules/kubernetes-models")),
                "the schema validators are not installed in deploy/tools/node_modules: " + INSTALL);
        return node.get();
    }

    static Path kubectl() {
        Path kubectl = TOOLS.resolve("bin/kubectl");
        assumeTrue(Files.isExecutable(kubectl), "kubectl (kustomize) is not installed in deploy/tools/bin: " + INSTALL);
        return kubectl;
    }

    static Path promtool() {
        Optional<Path> found = ExternalProcess.onPath("promtool").or(() -> Optional.of(Path.of("/usr/bin/promtool"))
                .filter(Files::isExecutable));
        assumeTrue(found.isPresent(), "promtool is missing: install the Debian package 'prometheus' "
                + "(apt-get install prometheus; .ci/run does, so CI runs this test)");
        return found.get();
    }

    /** validate-manifests.mjs over the files: exit 0 all valid, 1 some object invalid. */
    static ExternalProcess.Result validate(Path... files) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(node().toString(), TOOLS.resolve("validate-manifests.mjs").toString()));
        for (Path f : files) {
            cmd.add(f.toString());
        }
        return ExternalProcess.run(Duration.ofSeconds(60), new byte[0], cmd);
    }

    static ExternalProcess.Result run(Duration timeout, String... command) throws IOException, InterruptedException {
        return ExternalProcess.run(timeout, new byte[0], List.of(command));
    }
}
