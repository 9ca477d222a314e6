package dev.lockstep.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** docs/jobspec.schema.json and the parser's keys ({@link Keys}) are the same, both ways. */
class SchemaTest {
    static final Path SCHEMA = Path.of(System.getProperty("user.dir")).resolve("../docs/jobspec.schema.json").normalize();

    static JsonNode schema() throws IOException {
        return new ObjectMapper().readTree(SCHEMA.toFile());
    }

    @Test
    void everyParserKeyIsInTheSchemaAndViceVersa() throws IOException {
        JsonNode defs = schema().get("$defs");
        TreeMap<String, Set<String>> inSchema = new TreeMap<>(), inParser = new TreeMap<>();
        defs.properties().forEach(e -> {
            if (e.getValue().has("properties")) {
                inSchema.put(e.getKey(), fieldNames(e.getValue().get("properties")));
            }
        });
        Keys.DEFS.forEach((def, keys) -> inParser.put(def, new TreeSet<>(keys)));
        List<String> drift = new ArrayList<>();
        Set<String> defNames = new TreeSet<>(inParser.keySet());
        defNames.addAll(inSchema.keySet());
        for (String def : defNames) {
            Set<String> p = inParser.getOrDefault(def, Set.of()), sc = inSchema.getOrDefault(def, Set.of());
            p.stream().filter(k -> !sc.contains(k)).forEach(k -> drift.add(def + "." + k + " is parsed but not in the schema"));
            sc.stream().filter(k -> !p.contains(k)).forEach(k -> drift.add(def + "." + k + " is in the schema but not parsed"));
            if (!inParser.containsKey(def) || !inSchema.containsKey(def)) {
                drift.add("definition " + def + (inParser.containsKey(def) ? " is missing from the schema" : " is not in Keys"));
            }
        }
        assertEquals(List.of(), drift);
    }

    @Test
    void theRootIsTheJobAndEveryReferenceResolves() throws IOException {
        JsonNode s = schema();
        assertEquals("https://json-schema.org/draft/2020-12/schema", s.get("$schema").asText());
        assertEquals("#/$defs/job", s.get("$ref").asText());
        List<String> refs = new ArrayList<>();
        collectRefs(s.get("$defs"), refs);
        for (String r : refs) {
            assertTrue(r.startsWith("#/$defs/") && s.get("$defs").has(r.substring(8)), "unresolved " + r);
        }
        Set<String> referenced = new TreeSet<>(refs.stream().map(r -> r.substring(8)).toList());
        referenced.add("job");
        assertEquals(fieldNames(s.get("$defs")), referenced, "every definition is used");
    }

    @Test
    void variantsUseTheDefinitionsTheParserReads() throws IOException {
        JsonNode defs = schema().get("$defs");
        for (String layer : Keys.of("layer")) {
            assertEquals("#/$defs/" + LayerParser.definition(layer),
                    defs.get("layer").get("properties").get(layer).get("$ref").asText(), layer);
        }
        assertEquals("#/$defs/adam", defs.get("optimizer").get("properties").get("lamb").get("$ref").asText());
        for (String s : List.of("sequence_copy", "sequence_reverse")) {
            assertEquals("#/$defs/sequences", defs.get("synthetic").get("properties").get(s).get("$ref").asText());
        }
        // A layer written as a bare name must have no required settings.
        for (JsonNode bare : defs.get("layer").get("oneOf").get(0).get("enum")) {
            String def = LayerParser.definition(bare.asText());
            assertTrue(!defs.get(def).has("required"), bare.asText() + " needs settings, so it cannot be bare");
        }
    }

    private static Set<String> fieldNames(JsonNode n) {
        Set<String> out = new TreeSet<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static void collectRefs(JsonNode n, List<String> out) {
        if (n.isObject()) {
            n.properties().forEach(e -> {
                if (e.getKey().equals("$ref")) {
                    out.add(e.getValue().asText());
                } else {
                    collectRefs(e.getValue(), out);
                }
            });
        } else if (n.isArray()) {
            n.forEach(c -> collectRefs(c, out));
        }
    }
}
