package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lockstep.proto.v1.JobEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** How followed events print: one line each in a log, a redrawn bar on a terminal that other lines never join. */
class JobFollowerPrintTest {
    private static JobEvent progress(long step, long timeMs) {
        return JobEvent.newBuilder().setRank(-1).setStep(step).setTimeUnixMs(timeMs).putMetrics("loss", 0.5)
                .setExamplesPerSecond(480).setLine("step " + step + "/10 loss=0.500000 examples_per_s=480.0").build();
    }

    private static String print(boolean terminal, boolean timestamps, JobEvent... events) {
        StringWriter out = new StringWriter();
        JobFollower f = new JobFollower(null, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
        f.configure(terminal, timestamps, 10);
        for (JobEvent e : events) {
            f.print(e);
        }
        return out.toString();
    }

    @Test
    void withoutATerminalEachEventIsALineAndWorkerLinesNameTheirRank() {
        JobEvent worker = JobEvent.newBuilder().setRank(2).setLine("evaluation at step 4: accuracy=0.9").build();
        assertEquals("step 2/10 loss=0.500000 examples_per_s=480.0\n[rank 2] evaluation at step 4: accuracy=0.9\n",
                print(false, false, progress(2, 1000), worker));
        assertEquals("1970-01-01T00:00:01Z step 2/10 loss=0.500000 examples_per_s=480.0\n",
                print(true, true, progress(2, 1000)), "timestamps (logs) always print lines");
    }

    @Test
    void onATerminalProgressIsABarWithAnEtaAndALineEndsItFirst() {
        JobEvent line = JobEvent.newBuilder().setRank(-1).setLine("checkpoint of step 4 recorded: /tmp/c").build();
        String out = print(true, false, progress(2, 1000), progress(4, 3000), line);
        String bar2 = "\r[======                        ] step 2/10  480 ex/s  loss 0.5000  ETA ? ";
        String bar4 = "\r[============                  ] step 4/10  480 ex/s  loss 0.5000  ETA 0m06s ";
        assertEquals(bar2 + bar4 + "\ncheckpoint of step 4 recorded: /tmp/c\n", out);
    }
}
