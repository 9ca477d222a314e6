package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, item 7: a synthetic source with count 1e12 validated, then the first evaluation read all of its
 * eval half (eval.steps 0 = the whole input) and hung without a word. Now validate and train refuse it.
 */
class EndlessEvaluationTest {
    private static final String HUGE = CommandLineTest.GOOD.replace("count: 512", "count: 1000000000000");

    @Test
    void aWholeInputEvaluationOfATrillionExamplesIsRefusedNamingTheFieldAndTheLimit(@TempDir Path dir)
            throws Exception {
        Path job = CommandLineTest.spec(dir, HUGE);
        for (String command : new String[] {"validate", "train"}) {
            CommandLineTest.Result r = assertTimeoutPreemptively(Duration.ofSeconds(60),
                    () -> CommandLineTest.run(command, job.toString()));
            assertEquals(Lockstep.USAGE, r.code(), command + ": " + r.out() + r.err());
            assertTrue(r.err().contains("eval.steps: 0 (the default) evaluates the whole eval.data at every "
                    + "evaluation, here 500000000000 examples (7812500000 batches of 64), more than the 100000000 a "
                    + "whole-input evaluation may read; set eval.steps"), r.err());
        }
    }

    @Test
    void aBoundedEvaluationOfTheSameSourceTrains(@TempDir Path dir) throws Exception {
        Path job = CommandLineTest.spec(dir, HUGE.replace("batch_size: 64", "batch_size: 64\n  steps: 2"));
        CommandLineTest.Result r = assertTimeoutPreemptively(Duration.ofSeconds(120),
                () -> CommandLineTest.run("train", job.toString()));
        assertEquals(Lockstep.OK, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("trained to step 20"), r.out());
    }
}
