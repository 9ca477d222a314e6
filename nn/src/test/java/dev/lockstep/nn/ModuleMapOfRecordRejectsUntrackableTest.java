package dev.lockstep.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.nn.layers.Dense;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** ModuleMap.ofRecord used to skip array and Optional components silently, so their modules were never trained. */
class ModuleMapOfRecordRejectsUntrackableTest {
    record WithArray(Dense kept, Dense[] heads) {}

    record WithObjectArray(Object[] things) {}

    record WithOptional(Optional<Dense> head) {}

    record WithEmptyOptional(Optional<Dense> head) {}

    record WithSet(Set<Dense> heads) {}

    record WithNestedList(List<List<Dense>> stacks) {}

    record WithIntKeys(Map<Integer, Dense> byIndex) {}

    record WithMixedList(List<Object> things) {}

    record Plain(Dense body, int units, String name, int[] sizes, String[] tags, Optional<String> note,
            List<String> labels, Map<String, Integer> widths, Dense absent, List<Dense> none) {}

    private static void assertRejected(Record r, String component) {
        var e = assertThrows(IllegalArgumentException.class, () -> ModuleMap.ofRecord(r));
        String m = e.getMessage();
        assertTrue(m.contains(r.getClass().getName() + "." + component), m);
        assertTrue(m.contains("cannot be tracked"), m);
    }

    @Test
    void arrayOfModulesIsRejectedNamingRecordAndComponent() {
        assertRejected(new WithArray(new Dense(2), new Dense[] {new Dense(3)}), "heads");
        assertRejected(new WithArray(new Dense(2), new Dense[0]), "heads");
        assertRejected(new WithObjectArray(new Object[] {"x", new Dense(3)}), "things");
    }

    @Test
    void optionalModuleIsRejectedEvenWhenEmpty() {
        assertRejected(new WithOptional(Optional.of(new Dense(3))), "head");
        assertRejected(new WithEmptyOptional(Optional.empty()), "head");
    }

    @Test
    void setsNestedListsNonStringKeysAndMixedListsAreRejected() {
        assertRejected(new WithSet(Set.of(new Dense(3))), "heads");
        assertRejected(new WithSet(Set.of()), "heads");
        assertRejected(new WithNestedList(List.of(List.of(new Dense(3)))), "stacks");
        assertRejected(new WithIntKeys(Map.of(0, new Dense(3))), "byIndex");
        assertRejected(new WithMixedList(List.of("x", new Dense(3))), "things");
    }

    @Test
    void valuesThatCannotHoldModulesAreAcceptedAndOnlyModulesRegistered() {
        ModuleMap m = ModuleMap.ofRecord(new Plain(new Dense(2), 3, "n", new int[] {1}, new String[] {"t"},
                Optional.of("x"), List.of("a"), Map.of("w", 1), null, List.of()));
        assertEquals(new Dense(1).getClass(), m.get("body").getClass());
        assertEquals(ModuleList.class, m.get("none").getClass());
        for (String notAModule : List.of("units", "name", "sizes", "tags", "note", "labels", "widths", "absent")) {
            assertThrows(IllegalArgumentException.class, () -> m.get(notAModule), notAModule);
        }
    }
}
