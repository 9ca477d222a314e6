package dev.lockstep.cli;

import static dev.lockstep.cli.CommandLineTest.GOOD;
import static dev.lockstep.cli.CommandLineTest.run;
import static dev.lockstep.cli.CommandLineTest.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.cli.CommandLineTest.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 9 item 5: an unwritable model directory was found only at the first checkpoint, after many steps. */
class ModelDirWritableTest {
    @TempDir
    Path dir;

    @Test
    void aModelDirThatIsARegularFileFailsBeforeTheFirstStep() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        // every_steps 1000: the first save would come only at the end of training.
        Path job = spec(dir, GOOD.replace("every_steps: 10", "every_steps: 1000").replace("steps: 20", "steps: 200"));
        Result r = run("train", job.toString(), "--model-dir", file.toString());
        assertEquals(Lockstep.USAGE, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("the model directory " + file + " is not writable: it is a regular file"), r.err());
        assertFalse(r.out().contains("step 1/") || r.out().contains("step 20/"), "no step ran: " + r.out());
    }

    @Test
    void aModelDirBelowARegularFileFailsNamingTheCause() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        Path below = file.resolve("models");
        Result r = run("train", spec(dir, GOOD).toString(), "--model-dir", below.toString());
        assertEquals(Lockstep.USAGE, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("the model directory " + below + " is not writable: cannot create it"), r.err());
        assertFalse(r.out().contains("step 20/"), r.out());
    }
}
