package dev.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.tensor.HostTensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CursorAndExamplesTest {
    @Test
    void cursorRoundTripsThroughMapsBytesAndJsonNumberTypes() {
        Cursor c = new Cursor("p", new long[][] {{1, Long.MAX_VALUE}, {}, {-3}});
        assertEquals(c, Cursor.fromMap(c.toMap()));
        assertEquals(c, Cursor.fromBytes(c.toBytes()));
        Map<String, Object> json = Map.of("pipeline", "p", "stages", List.of(List.of(1, 2.0), List.of()));
        assertEquals(new Cursor("p", new long[][] {{1, 2}, {}}), Cursor.fromMap(json));
        var e = assertThrows(IllegalArgumentException.class,
                () -> Cursor.fromMap(Map.of("pipeline", "p", "stages", List.of(List.of(1.5)))));
        assertTrue(e.getMessage().contains("stages[0][0]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Cursor.fromBytes(new byte[] {(byte) 0xff}));
    }

    @Test
    void cursorIsImmutable() {
        long[][] rows = {{1}};
        Cursor c = new Cursor("p", rows);
        rows[0][0] = 9;
        c.stages()[0][0] = 9;
        assertEquals(1, c.stages()[0][0]);
    }

    @Test
    void stackAndSliceAreInverse() {
        Map<String, HostTensor> cols = new LinkedHashMap<>();
        cols.put("x", HostTensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 3, 2));
        cols.put("y", HostTensor.ofLongs(new long[] {7, 8, 9}, 3));
        List<Map<String, HostTensor>> rows = Drain.all(Dataset.fromTensors(cols));
        assertEquals(Map.of("x", "f32[2][3.0, 4.0]", "y", "i64[][8.0]"), Drain.values(rows.get(1)));
        Map<String, HostTensor> stacked = Examples.stack(rows);
        assertEquals(Drain.values(cols), Drain.values(stacked));
        assertArrayEquals(new long[] {7, 8, 9}, (long[]) stacked.get("y").array());
    }

    @Test
    void stackErrorsNameTheExampleAndFeature() {
        var a = Map.of("x", HostTensor.ofFloats(new float[] {1, 2}, 2));
        var b = Map.of("x", HostTensor.ofFloats(new float[] {1, 2, 3}, 3));
        var e = assertThrows(IllegalArgumentException.class, () -> Examples.stack(List.of(a, a, b)));
        assertTrue(e.getMessage().contains("example 2") && e.getMessage().contains("'x'")
                && e.getMessage().contains("f32[3]") && e.getMessage().contains("f32[2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Dataset.fromTensors(Map.of(
                "x", HostTensor.ofFloats(new float[] {1, 2}, 2), "y", HostTensor.ofFloats(new float[] {1}, 1))));
        assertTrue(e.getMessage().contains("rows"), e.getMessage());
    }
}
