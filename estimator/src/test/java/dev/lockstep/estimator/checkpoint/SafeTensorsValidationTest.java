package dev.lockstep.estimator.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every malformed file is refused with the file name and the tensor or field at fault. */
class SafeTensorsValidationTest {
    @TempDir
    Path dir;

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin
                + "," + end + "]}";
    }

    /** Reads the file and returns the error message, failing if it parses. */
    private String refuse(byte[] bytes, String... mustContain) throws Exception {
        Path file = SafeTensorsBytes.write(dir, "bad.safetensors", bytes);
        CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class, () -> SafeTensors.read(file));
        assertEquals(file, e.file());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        for (String s : mustContain) {
            assertTrue(e.getMessage().contains(s), "'" + s + "' missing from: " + e.getMessage());
        }
        return e.getMessage();
    }

    private static int[] zeros(int n) {
        return new int[n];
    }

    @Test
    void truncatedData() throws Exception {
        refuse(SafeTensorsBytes.file("{" + entry("w", "F32", "[2]", 0, 8) + "}", zeros(5)), "truncated", "'w'");
    }

    @Test
    void trailingBytesAfterTheLastTensor() throws Exception {
        refuse(SafeTensorsBytes.file("{" + entry("w", "F32", "[1]", 0, 4) + "}", zeros(6)), "2 unexpected bytes", "'w'");
    }

    @Test
    void fileShorterThanTheLengthPrefix() throws Exception {
        refuse(new byte[] {8, 0, 0}, "3 bytes");
    }

    @Test
    void headerLengthPastTheEndOfTheFile() throws Exception {
        byte[] b = SafeTensorsBytes.file("{}");
        b[0] = 64;
        refuse(b, "header length 64", "truncated");
    }

    @Test
    void absurdHeaderLengthIsRefusedBeforeAllocating() throws Exception {
        byte[] b = SafeTensorsBytes.file("{}");
        Arrays.fill(b, 0, 8, (byte) 0xff);
        refuse(b, "header length 18446744073709551615");
    }

    @Test
    void headerNotJson() throws Exception {
        refuse(SafeTensorsBytes.file("{\"w\": [1, 2"), "not well-formed JSON");
        refuse(SafeTensorsBytes.file("[1, 2]"), "does not start with '{'");
        refuse(SafeTensorsBytes.file("{} {}"), "not well-formed JSON");
    }

    @Test
    void headerNotUtf8() throws Exception {
        byte[] b = SafeTensorsBytes.file("{\"w?\":1}");
        b[8 + 3] = (byte) 0xC3;  // a lead byte followed by an ASCII '"': malformed UTF-8
        refuse(b, "not valid UTF-8");
    }

    @Test
    void duplicateTensorName() throws Exception {
        refuse(SafeTensorsBytes.file("{" + entry("w", "F32", "[1]", 0, 4) + "," + entry("w", "F32", "[1]", 4, 8) + "}",
                zeros(8)), "Duplicate field 'w'");
    }

    @Test
    void overlappingTensors() throws Exception {
        refuse(SafeTensorsBytes.file("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[1]", 4, 8) + "}",
                zeros(8)), "overlap", "'a'", "'b'");
    }

    @Test
    void gapBetweenTensors() throws Exception {
        refuse(SafeTensorsBytes.file("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}",
                zeros(12)), "gap of 4 bytes before tensor 'b'");
    }

    @Test
    void byteCountDisagreesWithDtypeAndShape() throws Exception {
        refuse(SafeTensorsBytes.file("{" + entry("k", "F64", "[2,3]", 0, 24) + "}", zeros(24)),
                "tensor 'k'", "span 24 bytes", "needs 48");
    }

    @Test
    void unsupportedDtype() throws Exception {
        refuse(SafeTensorsBytes.file("{" + entry("q", "U8", "[1]", 0, 1) + "}", zeros(1)), "tensor 'q'", "'U8'");
    }

    @Test
    void badFields() throws Exception {
        refuse(SafeTensorsBytes.file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", zeros(4)), "'w'", "data_offsets");
        refuse(SafeTensorsBytes.file("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}"),
                "'w'", "shape[0] = -1");
        refuse(SafeTensorsBytes.file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}"),
                "'w'", "end before they begin");
        refuse(SafeTensorsBytes.file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", zeros(4)),
                "'w'", "unknown field 'x'");
        refuse(SafeTensorsBytes.file("{\"w\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,0]}}"),
                "'w'", "more elements than a host tensor");
        refuse(SafeTensorsBytes.file("{\"w\":7}"), "tensor 'w' must be an object");
    }

    @Test
    void metadataMustBeStrings() throws Exception {
        refuse(SafeTensorsBytes.file("{\"__metadata__\":{\"epoch\":3}}"), "__metadata__.epoch must be a string");
    }

    @Test
    void boolBytesOtherThanZeroOrOne() throws Exception {
        refuse(SafeTensorsBytes.file("{" + entry("m", "BOOL", "[3]", 0, 3) + "}", 1, 0, 2), "tensor 'm' element 2",
                "byte 2");
    }

    @Test
    void paddingMayBeAbsentAndEmptyFilesWithNoTensorsParse() throws Exception {
        // Readers must not require the writer's padding: the reference reader accepts any header length.
        byte[] b = {2, 0, 0, 0, 0, 0, 0, 0, '{', '}'};
        Path file = SafeTensorsBytes.write(dir, "tiny.safetensors", b);
        assertEquals(0, SafeTensors.read(file).tensors().size());
        assertTrue(Files.size(file) == 10);
    }
}
