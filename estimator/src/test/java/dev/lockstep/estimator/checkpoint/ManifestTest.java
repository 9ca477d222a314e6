package dev.lockstep.estimator.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestTest {
    private static final Path SOURCE = Path.of("model", "ckpt-7", "manifest.json");
    private static final String SHA = "ab".repeat(32);

    static Manifest sample() {
        return Manifest.of(7, 1234, "graph:abc", 2, "0.1.0")
                .withEpoch(1)
                .withDataCursors(Map.of("train", Map.of("shard", 3, "offset", 1_000_000_000_000L,
                        "order", List.of(2, 0, 1))))
                .withRngState(Map.of("dropout", "threefry"))
                .withJobConfig(Map.of("batch", 32, "lr", 0.125, "layers", List.of("dense", "gru"), "bf16", true,
                        "comment", ""))
                .withFiles(List.of(new Manifest.DataFile("model.safetensors", 4096, SHA)));
    }

    @Test
    void jsonRoundTripIsLossless() throws Exception {
        Manifest m = sample();
        Manifest back = Manifest.fromJson(m.toJson(), SOURCE);
        assertEquals(m, back);
        assertEquals(1_000_000_000_000L, ((Map<?, ?>) back.dataCursors().get("train")).get("offset"));
    }

    @Test
    void jsonUsesTheDocumentedFieldNames() throws Exception {
        String json = sample().toJson();
        for (String field : List.of("\"format_version\" : 1", "\"step\" : 7", "\"epoch\" : 1", "\"world_size\" : 2",
                "\"graph_fingerprint\" : \"graph:abc\"", "\"lockstep_version\" : \"0.1.0\"", "\"seed\" : 1234",
                "\"data_cursors\"", "\"job_config\"", "\"sha256\" : \"" + SHA + "\"", "\"bytes\" : 4096")) {
            assertTrue(json.contains(field), field + " missing from " + json);
        }
    }

    @Test
    void integersOfAnyWidthCompareEqualAfterARoundTrip() throws Exception {
        Manifest ints = Manifest.of(1, 2, "g", 1, "v").withDataCursors(Map.of("a", 5, "b", (short) 6, "c", 7L,
                "d", 1.5f, "e", java.util.Arrays.asList(1, null)));
        Manifest longs = Manifest.of(1, 2, "g", 1, "v").withDataCursors(Map.of("a", 5L, "b", 6L, "c", 7L,
                "d", 1.5, "e", java.util.Arrays.asList(1L, null)));
        assertEquals(longs, ints);
        assertEquals(longs, Manifest.fromJson(ints.toJson(), SOURCE));
    }

    @Test
    void nonJsonValuesAreRefusedWithTheirPath() {
        var e = assertThrows(IllegalArgumentException.class, () -> Manifest.of(1, 2, "g", 1, "v")
                .withJobConfig(Map.of("opt", Map.of("when", new java.util.Date()))));
        assertTrue(e.getMessage().contains("job_config.opt.when"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Manifest.of(1, 2, "g", 1, "v")
                .withDataCursors(Map.of("x", Double.NaN)));
        assertTrue(e.getMessage().contains("data_cursors.x is NaN"), e.getMessage());
    }

    @Test
    void invalidValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Manifest.of(-1, 0, "g", 1, "v"));
        assertThrows(IllegalArgumentException.class, () -> Manifest.of(1, 0, "g", 0, "v"));
        assertThrows(IllegalArgumentException.class, () -> new Manifest.DataFile("../x", 1, SHA));
        assertThrows(IllegalArgumentException.class, () -> new Manifest.DataFile("x", 1, "ABC"));
    }

    private static void refuse(String json, String... mustContain) {
        CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class,
                () -> Manifest.fromJson(json, SOURCE));
        assertTrue(e.getMessage().startsWith(SOURCE.toString()), e.getMessage());
        for (String s : mustContain) {
            assertTrue(e.getMessage().contains(s), "'" + s + "' missing from: " + e.getMessage());
        }
    }

    @Test
    void badManifestsNameTheFileAndField() {
        String good = sample().toJson();
        refuse(good.replace("\"world_size\" : 2", "\"world_size\" : \"two\""), "'world_size'");
        refuse(good.replace("\"world_size\" : 2", "\"world_size\" : 0"), "'world_size' = 0");
        refuse(good.replace("\"step\" : 7,", ""), "'step' is missing");
        refuse(good.replace("\"format_version\" : 1", "\"format_version\" : 2"), "format_version 2 is not supported");
        refuse(good.replace(SHA, "xyz"), "files[0]", "sha256 'xyz'");
        // The old object moves under an unknown key (ignored) and data_cursors becomes a number.
        refuse(good.replace("\"data_cursors\" : {", "\"data_cursors\" : 5, \"moved\" : {"),
                "'data_cursors' must be a JSON object");
        refuse(good.substring(0, good.length() / 2), "not well-formed JSON");
        refuse(good + "{}", "not well-formed JSON");
        refuse("[]", "not a JSON object");
    }
}
