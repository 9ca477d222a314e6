package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * predict and export used to leave pred.csv.tmp / weights.safetensors.tmp behind when writing failed, and
 * named only the temporary file. A directory where the output file goes makes the write fail here.
 */
class OutputFileFailureTest {
    static List<Path> temporaryFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    @Test
    void aFailedPredictOrExportLeavesNoTemporaryFileAndNamesTheFile(@TempDir Path dir) throws Exception {
        Path job = CommandLineTest.spec(dir, CommandLineTest.GOOD.replace("steps: 20", "steps: 2"));
        CommandLineTest.Result train = CommandLineTest.run("train", job.toString());
        assertEquals(Lockstep.OK, train.code(), train.err());

        Path csv = dir.resolve("out/pred.csv");
        Files.createDirectories(csv.resolve("occupied"));
        CommandLineTest.Result predict = CommandLineTest.run("predict", job.toString(), "-o", csv.toString());
        assertEquals(Lockstep.RUNTIME_FAILURE, predict.code(), predict.err());
        assertTrue(predict.err().contains("cannot write " + csv + ":"), predict.err());
        assertEquals(List.of(), temporaryFiles(dir.resolve("out")));

        Path export = dir.resolve("export");
        Files.createDirectories(export.resolve("weights.safetensors/occupied"));
        Files.writeString(export.resolve("signature.json"), "previous signature");
        CommandLineTest.Result exported = CommandLineTest.run("export", job.toString(), "--dir", export.toString());
        assertEquals(Lockstep.RUNTIME_FAILURE, exported.code(), exported.err());
        assertTrue(exported.err().contains("cannot write " + export.resolve("weights.safetensors") + ":"),
                exported.err());
        assertEquals(List.of(), temporaryFiles(export));
        assertEquals("previous signature", Files.readString(export.resolve("signature.json")),
                "a failed export leaves the previous files");
    }
}
