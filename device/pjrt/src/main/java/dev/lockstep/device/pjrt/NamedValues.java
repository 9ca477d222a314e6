package dev.lockstep.device.pjrt;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.lockstep.device.DeviceOptions;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** {@link DeviceOptions} as the array of {@code PJRT_NamedValue} that {@code PJRT_Client_Create} takes. */
final class NamedValues {
    private NamedValues() {}

    /** The array, with every string and list it points to, allocated in {@code arena}. */
    static MemorySegment of(DeviceOptions options, Arena arena, NativeMemory memory) {
        Struct nv = Abi.NAMED_VALUE;
        int n = options.values().size();
        MemorySegment array = memory.allocate(arena, Math.max(1, n) * nv.byteSize(), 8);
        int i = 0;
        for (Map.Entry<String, Object> e : options.values().entrySet()) {
            MemorySegment v = array.asSlice(i++ * nv.byteSize(), nv.byteSize());
            nv.reset(v);
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            v.set(ADDRESS, nv.offset("name"), bytes(name, arena, memory));
            v.set(JAVA_LONG, nv.offset("name_size"), name.length);
            long value = nv.offset("value");
            switch (e.getValue()) {
                case String s -> {
                    byte[] b = s.getBytes(StandardCharsets.UTF_8);
                    v.set(JAVA_INT, nv.offset("type"), Abi.NAMED_STRING);
                    v.set(ADDRESS, value, bytes(b, arena, memory));
                    v.set(JAVA_LONG, nv.offset("value_size"), b.length);
                }
                case Long l -> {
                    v.set(JAVA_INT, nv.offset("type"), Abi.NAMED_INT64);
                    v.set(JAVA_LONG, value, l);
                    v.set(JAVA_LONG, nv.offset("value_size"), 1);
                }
                case Double d -> { // PJRT's float option is 32 bits
                    v.set(JAVA_INT, nv.offset("type"), Abi.NAMED_FLOAT);
                    v.set(JAVA_FLOAT, value, d.floatValue());
                    v.set(JAVA_LONG, nv.offset("value_size"), 1);
                }
                case Boolean b -> {
                    v.set(JAVA_INT, nv.offset("type"), Abi.NAMED_BOOL);
                    v.set(JAVA_BOOLEAN, value, b);
                    v.set(JAVA_LONG, nv.offset("value_size"), 1);
                }
                case List<?> list -> {
                    MemorySegment longs = memory.allocate(arena, Math.max(1, list.size()) * 8L, 8);
                    for (int k = 0; k < list.size(); k++) {
                        longs.setAtIndex(JAVA_LONG, k, (Long) list.get(k));
                    }
                    v.set(JAVA_INT, nv.offset("type"), Abi.NAMED_INT64_LIST);
                    v.set(ADDRESS, value, longs);
                    v.set(JAVA_LONG, nv.offset("value_size"), list.size());
                }
                default -> throw new IllegalArgumentException("device option " + e.getKey() + " has an unsupported "
                        + "value " + e.getValue());
            }
        }
        return array;
    }

    private static MemorySegment bytes(byte[] b, Arena arena, NativeMemory memory) {
        MemorySegment s = memory.allocate(arena, b.length + 1L, 1);
        MemorySegment.copy(b, 0, s, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, b.length);
        return s;
    }
}
