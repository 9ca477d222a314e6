package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code lockstep k8s pod}: which command each index runs, and its flag errors (no process is started). */
class K8sPodCommandTest {
    private static String[] pod(String index, String... more) {
        String[] base = {"k8s", "pod", "--index=" + index, "--workers=2", "--coordinator=job-0.job:7070",
                "--host=10.0.0.7", "--job=/nonexistent/job.yaml", "--state-dir=/tmp/s", "--model-dir=/tmp/m"};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void indexZeroRunsTheCoordinatorWithTheJob() {
        CommandLineTest.Result r = CommandLineTest.run(pod("0"));
        assertTrue(r.out().startsWith("index 0 of 3: lockstep coordinator --host=0.0.0.0 --port=7070 "
                + "--state-dir=/tmp/s --job=/nonexistent/job.yaml --workers=2 --model-dir=/tmp/m --metrics-port=9464 "
                + "--health-port=7072 --health-host=0.0.0.0"), r.out());
        assertEquals(Lockstep.USAGE, r.code(), "the coordinator refuses the missing spec: " + r.err());
        assertTrue(r.err().contains("--job /nonexistent/job.yaml does not exist"), r.err());
    }

    @Test
    void indexIRunsTheWorkerOfRankIMinusOneWithTheArgumentsAfterTheDashes() {
        CommandLineTest.Result r = CommandLineTest.run(pod("2", "--", "--heartbeat-interval-that-does-not-exist"));
        assertTrue(r.out().startsWith("index 2 of 3: lockstep worker --coordinator=job-0.job:7070 --rank=1 "
                + "--host=10.0.0.7 --device= --join-timeout=600 --metrics-port=9464 --metrics-host=0.0.0.0 "
                + "--health-port=7072 --health-host=0.0.0.0 --heartbeat-interval-that-does-not-exist"), r.out());
        assertEquals(Lockstep.USAGE, r.code(), "the worker refuses the unknown flag it was passed: " + r.err());
        assertTrue(r.err().contains("heartbeat-interval-that-does-not-exist"), r.err());
    }

    @Test
    void anIndexThatKubernetesDidNotSetOrThatIsTooLargeIsAUsageError() {
        CommandLineTest.Result unset = CommandLineTest.run(pod("$(JOB_COMPLETION_INDEX)"));
        assertEquals(Lockstep.USAGE, unset.code());
        assertTrue(unset.err().contains("--index '$(JOB_COMPLETION_INDEX)': expected the pod's completion index"),
                unset.err());
        CommandLineTest.Result large = CommandLineTest.run(pod("3"));
        assertEquals(Lockstep.USAGE, large.code());
        assertTrue(large.err().contains("--index 3: a job of 2 workers has indexes 0 (the coordinator) to 2"),
                large.err());
        assertEquals("", large.out(), "nothing was started");
    }
}
