package dev.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.tensor.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 9, item 3: a CSV line with more (or fewer) fields than its header was silently accepted. */
class CsvFieldCountTest {
    @TempDir
    Path dir;

    private static final CsvSpec SPEC = CsvSpec.withHeader().column("x", DType.F32).column("label", DType.I32);

    @Test
    void lineWithMoreFieldsThanTheHeaderIsAnErrorNamingFileLineAndCounts() throws IOException {
        Path f = Files.writeString(dir.resolve("extra.csv"), "x,label,note\n1.5,2,a\n2.5,3,b,c\n");
        var e = assertThrows(IllegalArgumentException.class, () -> Drain.all(Dataset.fromCsv(FileSet.of(f), SPEC)));
        assertTrue(e.getMessage().contains("csv " + f + " line 3: 4 fields, but the header (line 1) has 3"),
                e.getMessage());
    }

    @Test
    void lineWithFewerFieldsThanTheHeaderIsAnErrorEvenWhenTheSelectedColumnsArePresent() throws IOException {
        Path f = Files.writeString(dir.resolve("short.csv"), "x,label,note\n1.5,2,a\n\n2.5,3\n");
        var e = assertThrows(IllegalArgumentException.class, () -> Drain.all(Dataset.fromCsv(FileSet.of(f), SPEC)));
        assertTrue(e.getMessage().contains("csv " + f + " line 4: 2 fields, but the header (line 1) has 3"),
                e.getMessage());
    }

    @Test
    void quotedDelimitersAndFilesWithoutHeaderAreNotCounted() throws IOException {
        Path f = Files.writeString(dir.resolve("ok.csv"), "x,label,note\n1.5,2,\"a, b\"\n");
        assertEquals(1, Drain.all(Dataset.fromCsv(FileSet.of(f), SPEC)).size());
        Path g = Files.writeString(dir.resolve("nohead.csv"), "1.5,2\n2.5,3,extra\n");
        CsvSpec byIndex = CsvSpec.withoutHeader().column(0, "x", DType.F32).column(1, "label", DType.I32);
        assertEquals(2, Drain.all(Dataset.fromCsv(FileSet.of(g), byIndex)).size());
    }
}
