package dev.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.tensor.HostTensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyntheticTest {
    @Test
    void blobsAreDeterministicAndSeparable() {
        List<Map<String, HostTensor>> a = Drain.all(Synthetic.gaussianBlobs(300, 3, 4, 0.3, 17));
        assertEquals(Drain.values(a), Drain.values(Drain.all(Synthetic.gaussianBlobs(300, 3, 4, 0.3, 17))));
        assertNotEquals(Drain.values(a), Drain.values(Drain.all(Synthetic.gaussianBlobs(300, 3, 4, 0.3, 18))));
        // class means estimated from the data; with small spread, nearest-mean classification is near perfect
        double[][] mean = new double[3][4];
        int[] count = new int[3];
        for (var ex : a) {
            int c = (int) ex.get("label").getLong(0);
            count[c]++;
            for (int d = 0; d < 4; d++) {
                mean[c][d] += ex.get("x").getDouble(d);
            }
        }
        for (int c = 0; c < 3; c++) {
            assertTrue(count[c] > 50, "class " + c + " has " + count[c] + " of 300");
            for (int d = 0; d < 4; d++) {
                mean[c][d] /= count[c];
            }
        }
        int right = 0;
        for (var ex : a) {
            int best = 0;
            double bestDist = Double.MAX_VALUE;
            for (int c = 0; c < 3; c++) {
                double dist = 0;
                for (int d = 0; d < 4; d++) {
                    dist += Math.pow(ex.get("x").getDouble(d) - mean[c][d], 2);
                }
                if (dist < bestDist) {
                    bestDist = dist;
                    best = c;
                }
            }
            right += best == ex.get("label").getLong(0) ? 1 : 0;
        }
        assertTrue(right >= 290, right + " of 300 nearest-mean correct");
    }

    @Test
    void noiselessRegressionIsExactlyAffine() {
        List<Map<String, HostTensor>> ex = Drain.all(Synthetic.linearRegression(20, 1, 0.0, 5));
        double x0 = ex.get(0).get("x").getDouble(0);
        double y0 = ex.get(0).get("y").getDouble(0);
        double x1 = ex.get(1).get("x").getDouble(0);
        double slope = (ex.get(1).get("y").getDouble(0) - y0) / (x1 - x0);
        for (var e : ex) {
            double predicted = y0 + slope * (e.get("x").getDouble(0) - x0);
            assertEquals(predicted, e.get("y").getDouble(0), 1e-4);
        }
        assertEquals(Synthetic.linearWeights(1, 5)[0], slope, 1e-4);
    }

    @Test
    void sequencesCopyOrReverseWithTeacherForcingInputs() {
        for (boolean reverse : new boolean[] {false, true}) {
            for (var ex : Drain.all(Synthetic.sequences(10, 5, 12, reverse, 3))) {
                int[] src = (int[]) ex.get("source").array();
                int[] in = (int[]) ex.get("target_in").array();
                int[] out = (int[]) ex.get("target_out").array();
                for (int t = 0; t < 5; t++) {
                    assertTrue(src[t] >= 2 && src[t] < 12);
                    assertEquals(reverse ? src[4 - t] : src[t], out[t]);
                    assertEquals(t == 0 ? Synthetic.BOS : out[t - 1], in[t]);
                }
            }
        }
    }

    @Test
    void multiInputBatchesKeepTheirNames() {
        Dataset<Map<String, HostTensor>> d = Synthetic.sequences(10, 5, 12, true, 3).batch(4, true, Examples::stack);
        List<Map<String, HostTensor>> batches = Drain.all(d);
        assertEquals(2, batches.size());
        assertEquals(List.of("source", "target_in", "target_out"), List.copyOf(batches.getFirst().keySet()));
        assertEquals("i32[4, 5]", batches.getFirst().get("target_in").type().toString());
        Map<String, HostTensor> third = Drain.all(Synthetic.sequences(10, 5, 12, true, 3)).get(6);
        int[] row = java.util.Arrays.copyOfRange((int[]) batches.get(1).get("source").array(), 10, 15);
        assertArrayEquals((int[]) third.get("source").array(), row, "example 6 is row 2 of batch 1");
    }
}
