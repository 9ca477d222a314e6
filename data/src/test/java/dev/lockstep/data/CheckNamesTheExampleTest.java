package dev.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.tensor.DType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 9, item 2: a value check at the source names the example (file and line, or source and index). */
class CheckNamesTheExampleTest {
    @TempDir
    Path dir;

    @Test
    void csvCheckNamesFileAndLine() throws Exception {
        Path f = Files.writeString(dir.resolve("l.csv"), "label\n0\n\n1\n7\n");
        Dataset<?> d = Dataset.fromCsv(FileSet.of(f), CsvSpec.withHeader().column("label", DType.I32))
                .check(m -> m.get("label").getDouble(0) > 1 ? "too big" : null);
        var e = assertThrows(IllegalArgumentException.class, () -> Drain.all(d));
        assertEquals("csv " + f + " line 5: too big", e.getMessage());
    }

    @Test
    void generatedSourceCheckNamesTheSourceIndexThroughShardAndMap() {
        Dataset<Long> d = Dataset.generate("gen", 10, i -> i).shard(2, 1).map(i -> i * 10)
                .check(v -> v == 70 ? "seventy" : null);
        var e = assertThrows(IllegalArgumentException.class, () -> Drain.all(d));
        assertEquals("gen(10) example 7: seventy", e.getMessage());
        Dataset<Long> all = Dataset.generate("gen", 10, i -> i).shuffleAll(3).check(v -> v == 4 ? "four" : null);
        e = assertThrows(IllegalArgumentException.class, () -> Drain.all(all));
        assertEquals("gen(10) example 4: four", e.getMessage());
    }

    @Test
    void aCheckLeavesElementsAndCursorsAsTheyWere() {
        Dataset<Long> plain = Dataset.range(6).shuffle(3, 1).batch(2, false).map(b -> b.getFirst()).repeat();
        Dataset<Long> checked = Dataset.range(6).check(v -> null).shuffle(3, 1).batch(2, false).map(b -> b.getFirst())
                .repeat();
        assertEquals(plain.describe(), checked.describe());
        try (DatasetIterator<Long> a = plain.iterator(); DatasetIterator<Long> b = checked.iterator()) {
            assertEquals(Drain.take(a, 5), Drain.take(b, 5));
            Cursor c = b.cursor();
            try (DatasetIterator<Long> resumed = plain.iterator(c)) {
                assertEquals(Drain.take(a, 4), Drain.take(resumed, 4));
            }
        }
        assertTrue(Drain.all(Dataset.range(3).check(v -> null)).equals(List.of(0L, 1L, 2L)));
    }
}
