package dev.lockstep.device.pjrt;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The layout of one PJRT argument struct, computed with C's alignment rules from its fields in header order.
 * Every such struct starts with {@code size_t struct_size} and {@code PJRT_Extension_Base* extension_start};
 * its {@code STRUCT_SIZE} (what goes into {@code struct_size}) is the end of its last field, not the padded
 * {@code sizeof}, which is what is allocated.
 */
final class Struct {
    static final long STRUCT_SIZE = 0, EXTENSION_START = 8;

    private final String name;
    private final Map<String, Long> offsets = new LinkedHashMap<>();
    private final long structSize;
    private final long byteSize;

    private Struct(String name, Object... fields) {
        this.name = name;
        long end = 16;
        for (int i = 0; i < fields.length; i += 2) {
            ValueLayout layout = (ValueLayout) fields[i + 1];
            long at = align(end, layout.byteAlignment());
            offsets.put((String) fields[i], at);
            end = at + layout.byteSize();
        }
        this.structSize = end;
        this.byteSize = align(end, 8);
    }

    /** A struct named as in pjrt_c_api.h whose fields after the common head are given as name, layout pairs. */
    static Struct of(String name, Object... fields) {
        return new Struct(name, fields);
    }

    String name() {
        return name;
    }

    /** The value of {@code struct_size} for this layout (PJRT_STRUCT_SIZE). */
    long structSize() {
        return structSize;
    }

    long byteSize() {
        return byteSize;
    }

    long offset(String field) {
        Long at = offsets.get(field);
        if (at == null) {
            throw new IllegalStateException(name + " has no field " + field + " (binding bug)");
        }
        return at;
    }

    /** A zeroed struct with its head filled in, owned by {@code arena}. */
    MemorySegment allocate(Arena arena, NativeMemory memory) {
        MemorySegment s = memory.allocate(arena, byteSize, 8);
        reset(s);
        return s;
    }

    /** Zeroes {@code s} and writes its head again, so a struct can be reused call after call. */
    void reset(MemorySegment s) {
        s.fill((byte) 0);
        s.set(ValueLayout.JAVA_LONG, STRUCT_SIZE, structSize);
    }

    private static long align(long at, long alignment) {
        return (at + alignment - 1) / alignment * alignment;
    }
}
