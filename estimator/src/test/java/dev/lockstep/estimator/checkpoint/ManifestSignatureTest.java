package dev.lockstep.estimator.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.TensorType;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-replica input signature a fingerprint was traced for, as the manifest records it. */
class ManifestSignatureTest {
    private static final Path SOURCE = Path.of("model", "ckpt-3", "manifest.json");

    @Test
    void theInputSignatureRoundTripsByNameDtypeAndShape() throws Exception {
        Manifest m = Manifest.of(3, 1, "g", 2, "v").withInputSignature(Map.of(
                "features/x", TensorType.of(DType.F32, 4, 2), "labels/y", TensorType.of(DType.I32, 4)));
        String json = m.toJson();
        assertTrue(json.contains("\"input_signature\""), json);
        Manifest back = Manifest.fromJson(json, SOURCE);
        assertEquals(m, back);
        assertEquals(TensorType.of(DType.I32, 4), back.inputSignature().get("labels/y"));
    }

    @Test
    void aManifestWithoutASignatureIsWrittenAndReadAsBefore() throws Exception {
        Manifest m = Manifest.of(3, 1, "g", 1, "v");
        assertFalse(m.toJson().contains("input_signature"));
        assertEquals(Map.of(), Manifest.fromJson(m.toJson(), SOURCE).inputSignature());
    }

    @Test
    void aMalformedSignatureNamesTheFieldAndTheFile() {
        String json = Manifest.of(3, 1, "g", 1, "v").toJson()
                .replace("\"world_size\"", "\"input_signature\" : {\"features/x\" : {\"dtype\" : \"f33\", "
                        + "\"shape\" : [1]}},\n  \"world_size\"");
        var e = assertThrows(CorruptCheckpointException.class, () -> Manifest.fromJson(json, SOURCE));
        assertTrue(e.getMessage().contains("input_signature.features/x") && e.getMessage().contains("ckpt-3"),
                e.getMessage());
    }
}
