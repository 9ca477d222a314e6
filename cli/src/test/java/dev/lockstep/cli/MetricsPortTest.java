package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --metrics-port} problems are usage errors (exit 2) that name the flag, the port and the address. */
class MetricsPortTest {
    @Test
    void aPortOutOfRangeExitsWith2NamingTheFlagAndValue(@TempDir Path dir) throws Exception {
        Path job = CommandLineTest.spec(dir, CommandLineTest.GOOD);
        for (String port : new String[] {"99999", "65536", "-1"}) {
            CommandLineTest.Result r = CommandLineTest.run("train", job.toString(), "--metrics-port", port);
            assertEquals(Lockstep.USAGE, r.code(), r.err());
            assertTrue(r.err().contains("--metrics-port " + port) && r.err().contains("65535"), r.err());
            assertFalse(Files.exists(dir.resolve("runs/job")), "nothing is trained when the flag is wrong");
        }
    }

    @Test
    void aPortInUseExitsWith2NamingThePortAndAddress(@TempDir Path dir) throws Exception {
        Path job = CommandLineTest.spec(dir, CommandLineTest.GOOD);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            CommandLineTest.Result r = CommandLineTest.run("train", job.toString(), "--metrics-host", "127.0.0.1",
                    "--metrics-port", Integer.toString(port));
            assertEquals(Lockstep.USAGE, r.code(), r.err());
            assertTrue(r.err().contains("--metrics-port " + port) && r.err().contains("127.0.0.1:" + port), r.err());
            assertFalse(Files.exists(dir.resolve("runs/job")), "nothing is trained without the metrics server");
        }
    }
}
