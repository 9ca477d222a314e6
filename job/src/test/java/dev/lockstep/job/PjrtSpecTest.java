package dev.lockstep.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code pjrt} section: client options as PJRT named values, each bad one named by its path. */
class PjrtSpecTest {
    private static JobSpec parse(String extra) {
        return JobSpec.parse(SpecErrorsTest.GOOD + extra, Path.of("/work/jobs"));
    }

    @Test
    void clientOptionsKeepTheirPjrtTypes() {
        JobSpec spec = parse("""
                pjrt:
                  client_options: {preallocate: false, memory_fraction: 0.5, visible_devices: [0, 2], allocator: bfc,
                    num_nodes: 1}
                """);
        assertEquals(Map.of("preallocate", false, "memory_fraction", 0.5, "visible_devices", List.of(0L, 2L),
                "allocator", "bfc", "num_nodes", 1L), spec.pjrt().clientOptions());
        assertEquals(List.of("allocator", "memory_fraction", "num_nodes", "preallocate", "visible_devices"),
                List.copyOf(spec.pjrt().clientOptions().keySet()), "sorted by name");
    }

    @Test
    void withoutTheSectionThereAreNoOptionsAndTheCanonicalFormSaysSo() {
        JobSpec spec = parse("");
        assertEquals(Map.of(), spec.pjrt().clientOptions());
        assertTrue(spec.canonicalJson().contains("\"pjrt\": {\"client_options\": {}}"), spec.canonicalJson());
    }

    @Test
    void valuesThatAreNoNamedValueAreErrorsNamingTheOption() {
        var e = assertThrows(SpecException.class, () -> parse("""
                pjrt:
                  client_options: {nested: {a: 1}, mixed: [1, x], fine: 3}
                """));
        String m = e.getMessage();
        assertTrue(m.contains("pjrt.client_options.nested"), m);
        assertTrue(m.contains("pjrt.client_options.mixed"), m);
        assertTrue(m.contains("a string, integer, number, boolean or list of integers"), m);
        assertTrue(!m.contains("pjrt.client_options.fine"), m);
    }

    @Test
    void aMisspelledKeyOfTheSectionGetsASuggestion() {
        var e = assertThrows(SpecException.class, () -> parse("""
                pjrt:
                  client_option: {a: 1}
                """));
        assertTrue(e.getMessage().contains("client_options"), e.getMessage());
        var notAMap = assertThrows(SpecException.class, () -> parse("""
                pjrt:
                  client_options: [a, b]
                """));
        assertTrue(notAMap.getMessage().contains("pjrt.client_options"), notAMap.getMessage());
    }
}
