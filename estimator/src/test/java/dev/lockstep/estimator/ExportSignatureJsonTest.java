package dev.lockstep.estimator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.TensorType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Export built its own ObjectMapper beside the checkpoint files' shared configuration; it now uses that
 * one, and signature.json must keep its bytes: indented, field order as built, no trailing newline.
 */
class ExportSignatureJsonTest {
    @Test
    void signatureJsonBytesAreThoseOfTheFormerIndentingMapper(@TempDir Path dir, @TempDir Path out) throws Exception {
        try (Estimator e = ExactResumeTest.estimator(dir)) {
            e.train(ExactResumeTest.input(), 2);
            Export export = e.export(Map.of("x", TensorType.of(DType.F32, 8, 3)));
            export.writeTo(out, null);
            String expected = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(export.signature());
            assertEquals(expected, Files.readString(out.resolve(Export.SIGNATURE)));
            assertEquals('}', expected.charAt(expected.length() - 1));
        }
    }
}
