package dev.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static final CsvSpec IRIS = CsvSpec.withHeader().column("petal", DType.F32).column("species", DType.I32)
            .column("ok", DType.BOOL);

    @Test
    void selectsAndTypesColumnsByHeaderName() throws IOException {
        Path f = write("a.csv", "id,petal,name,species,ok\r\n1,1.5,\"x, y\",2,true\r\n\r\n2,-3e2,\"say \"\"hi\"\"\",0,0\n");
        List<Map<String, HostTensor>> rows = Drain.all(Dataset.fromCsv(FileSet.of(f), IRIS));
        assertEquals(List.of(
                Map.of("petal", "f32[][1.5]", "species", "i32[][2.0]", "ok", "bool[][1.0]"),
                Map.of("petal", "f32[][-300.0]", "species", "i32[][0.0]", "ok", "bool[][0.0]")), Drain.values(rows));
        assertEquals(List.of("petal", "species", "ok"), List.copyOf(rows.getFirst().keySet()), "spec order is kept");
    }

    @Test
    void selectsColumnsByIndexWithoutHeaderAndOtherDelimiters() throws IOException {
        Path f = write("b.tsv", "7\t8.25\n9\t10\n");
        CsvSpec spec = CsvSpec.withoutHeader().delimiter('\t').column(1, "x", DType.F64).column(0, "id", DType.I64);
        assertEquals(List.of(Map.of("x", "f64[][8.25]", "id", "i64[][7.0]"), Map.of("x", "f64[][10.0]", "id", "i64[][9.0]")),
                Drain.values(Drain.all(Dataset.fromCsv(FileSet.of(f), spec))));
    }

    @Test
    void errorsNameFileLineAndColumn() throws IOException {
        Path f = write("bad.csv", "petal,species,ok\n1,2,true\n1,two,true\n");
        var e = assertThrows(IllegalArgumentException.class, () -> Drain.all(Dataset.fromCsv(FileSet.of(f), IRIS)));
        assertTrue(e.getMessage().contains(f + " line 3 column 'species' (index 1): cannot parse 'two' as i32"),
                e.getMessage());

        Path g = write("short.csv", "petal,species,ok\n1,2\n");
        e = assertThrows(IllegalArgumentException.class, () -> Drain.all(Dataset.fromCsv(FileSet.of(g), IRIS)));
        assertTrue(e.getMessage().contains("line 2 column 'ok' (index 2): the line has only 2 fields"), e.getMessage());

        Path h = write("nohead.csv", "petal,kind,ok\n1,2,true\n");
        e = assertThrows(IllegalArgumentException.class, () -> Drain.all(Dataset.fromCsv(FileSet.of(h), IRIS)));
        assertTrue(e.getMessage().contains("line 1: no column 'species'"), e.getMessage());

        Path q = write("quote.csv", "petal,species,ok\n\"1,2,true\n");
        e = assertThrows(IllegalArgumentException.class, () -> Drain.all(Dataset.fromCsv(FileSet.of(q), IRIS)));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("unterminated quote"), e.getMessage());

        Path b = write("bool.csv", "petal,species,ok\n1,2,maybe\n");
        e = assertThrows(IllegalArgumentException.class, () -> Drain.all(Dataset.fromCsv(FileSet.of(b), IRIS)));
        assertTrue(e.getMessage().contains("column 'ok'") && e.getMessage().contains("'maybe'"), e.getMessage());
    }

    @Test
    void resumesMidFileAcrossFiles() throws IOException {
        for (int file = 0; file < 3; file++) {
            StringBuilder s = new StringBuilder("ok,species,petal\n");
            for (int r = 0; r < 4; r++) {
                s.append(r % 2 == 0).append(',').append(file).append(',').append(r * 0.5).append('\n');
            }
            write("part-" + file + ".csv", s.toString());
        }
        Dataset<List<Map<String, String>>> d = Dataset.fromCsv(FileSet.of(dir.toString()), IRIS)
                .shuffle(3, 4).batch(2, false, Drain::values).repeat();
        ResumeTest.assertResumesExactly(d, 14, new int[] {0, 1, 2, 5, 6, 7, 11}, c -> Cursor.fromMap(c.toMap()));
    }
}
