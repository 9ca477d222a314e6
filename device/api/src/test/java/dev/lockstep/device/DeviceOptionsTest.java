package dev.lockstep.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.graph.Graph;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** DeviceOptions holds only PJRT named value types; a provider's defaults accept its own name and ignore options. */
class DeviceOptionsTest {
    @Test
    void valuesAreNormalisedToTheNamedValueTypesAndSorted() {
        var o = new DeviceOptions(Map.of("b", 3, "a", 0.5f, "c", List.of(1, 2L), "d", true, "e", "x"));
        assertEquals(List.of("a", "b", "c", "d", "e"), List.copyOf(o.values().keySet()));
        assertEquals(0.5, o.values().get("a"));
        assertEquals(3L, o.values().get("b"));
        assertEquals(List.of(1L, 2L), o.values().get("c"));
        assertTrue(DeviceOptions.NONE.isEmpty());
    }

    @Test
    void otherValuesAreRefusedNamingTheOption() {
        var nested = assertThrows(IllegalArgumentException.class, () -> new DeviceOptions(Map.of("m", Map.of())));
        assertTrue(nested.getMessage().startsWith("device option 'm' must be a string, integer, number, boolean or "
                + "list of integers"), nested.getMessage());
        var list = assertThrows(IllegalArgumentException.class, () -> new DeviceOptions(Map.of("l", List.of(1, "2"))));
        assertTrue(list.getMessage().contains("'l' is a list, so every element must be an integer"), list.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DeviceOptions(Map.of(" ", 1)));
    }

    @Test
    void aProvidersDefaultsAcceptItsNameAndIgnoreOptionsAndDonation() {
        Device device = new Device() {
            public String name() { return "fake"; }
            public Capabilities capabilities() { return new Capabilities(java.util.Set.of(), java.util.Set.of()); }
            public Executable compile(Graph graph) { return null; }
            public Buffer upload(HostTensor tensor) { return null; }
            public Buffer allocate(TensorType type) { return null; }
            public void close() { }
        };
        DeviceProvider p = new DeviceProvider() {
            public String name() { return "fake"; }
            public boolean isUsable() { return false; }
            public String unusableReason() { return "no fake hardware"; }
            public Device open() { return device; }
        };
        assertTrue(p.accepts("fake"));
        assertTrue(!p.accepts("fake:1"));
        assertEquals("no fake hardware", p.problem("fake"));
        assertSame(device, p.open("fake", new DeviceOptions(Map.of("x", 1))));
        assertEquals(null, device.compile(null, java.util.Set.of(0)), "compile(graph, donated) is compile(graph)");
    }
}
