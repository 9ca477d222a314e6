package dev.lockstep.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.tensor.HostTensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-path checksums ranks compare every K steps: sorted by path, typed, and sensitive to one bit. */
class ReplicaChecksumsTest {
    private static Map<String, HostTensor> values(float last) {
        Map<String, HostTensor> m = new LinkedHashMap<>();
        m.put("z/kernel", HostTensor.ofFloats(new float[] {1, 2, 3, last}, 2, 2));
        m.put("a/bias", HostTensor.ofFloats(new float[] {0.5f, -0.0f}, 2));
        m.put("bn/count", HostTensor.ofLongs(new long[] {7}, 1));
        return m;
    }

    @Test
    void equalValuesGiveEqualChecksumsAndOneFlippedBitChangesOnlyItsPath() {
        Map<String, String> a = StepCommits.checksums(values(4f));
        assertEquals(List.of("a/bias", "bn/count", "z/kernel"), List.copyOf(a.keySet()), "sorted by path");
        assertEquals(a, StepCommits.checksums(values(4f)));
        assertTrue(a.get("z/kernel").matches("f32\\[2, 2]:[0-9a-f]{8}") || a.get("z/kernel").matches("f32.*:[0-9a-f]{8}"),
                a.get("z/kernel"));
        Map<String, String> b = StepCommits.checksums(values(Math.nextUp(4f)));
        assertNotEquals(a.get("z/kernel"), b.get("z/kernel"), "one ulp in the last element");
        assertEquals(a.get("a/bias"), b.get("a/bias"));
        assertEquals(a.get("bn/count"), b.get("bn/count"));
    }

    @Test
    void negativeZeroIsNotPositiveZero() {
        Map<String, HostTensor> pos = values(4f);
        pos.put("a/bias", HostTensor.ofFloats(new float[] {0.5f, 0.0f}, 2));
        assertNotEquals(StepCommits.checksums(values(4f)).get("a/bias"), StepCommits.checksums(pos).get("a/bias"),
                "replicas must agree bit for bit, so the sign of zero counts");
    }
}
