package dev.lockstep.device.pjrt;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.lockstep.device.DeviceOptions;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A client of a PJRT plugin and the one addressable device a {@link PjrtDevice} runs on: the handles, the
 * device's PJRT id (for the compile options' device assignment) and a description for logs and errors.
 */
record PjrtClient(MemorySegment client, MemorySegment device, int deviceId, String platform, String description) {
    /**
     * Creates a client with {@code options} and takes its addressable device number {@code index}; a client
     * whose device list has no such index is destroyed again, and the error lists the devices it has.
     */
    static PjrtClient create(PjrtApi api, PjrtApi.Scratch scratch, NativeMemory memory, String name,
                             DeviceOptions options, int index) {
        try (Arena call = Arena.ofConfined()) {
            Calls c = new Calls(api, scratch, memory, call);
            MemorySegment args = Abi.CLIENT_CREATE.allocate(call, memory);
            args.set(ADDRESS, Abi.CLIENT_CREATE.offset("create_options"), NamedValues.of(options, call, memory));
            args.set(JAVA_LONG, Abi.CLIENT_CREATE.offset("num_options"), options.values().size());
            api.call(Abi.Slot.CLIENT_CREATE, args, scratch, "creating a client with options " + options.values());
            MemorySegment client = args.get(ADDRESS, Abi.CLIENT_CREATE.offset("client"));
            try {
                return select(c, client, name, index);
            } catch (RuntimeException e) {
                destroy(api, scratch, memory, client);
                throw e;
            }
        }
    }

    private static PjrtClient select(Calls c, MemorySegment client, String name, int index) {
        String platform = c.clientString(Abi.Slot.CLIENT_PLATFORM_NAME, client);
        MemorySegment args = Abi.CLIENT_DEVICES.allocate(c.arena, c.memory);
        args.set(ADDRESS, Abi.CLIENT_DEVICES.offset("client"), client);
        c.api.call(Abi.Slot.CLIENT_ADDRESSABLE_DEVICES, args, c.scratch, "listing the addressable devices");
        long n = args.get(JAVA_LONG, Abi.CLIENT_DEVICES.offset("num_devices"));
        MemorySegment list = args.get(ADDRESS, Abi.CLIENT_DEVICES.offset("devices")).reinterpret(8 * n);
        List<String> all = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            all.add(i + ": " + c.describe(c.descriptionOf(list.getAtIndex(ADDRESS, i))));
        }
        if (index < 0 || index >= n) {
            throw new IllegalArgumentException("device " + name + ": the plugin's client has " + n + " addressable device"
                    + (n == 1 ? "" : "s") + " " + all + ", so there is no device " + index);
        }
        MemorySegment device = list.getAtIndex(ADDRESS, index);
        MemorySegment desc = c.descriptionOf(device);
        MemorySegment id = Abi.DESCRIPTION_ID.allocate(c.arena, c.memory);
        id.set(ADDRESS, Abi.DESCRIPTION_ID.offset("description"), desc);
        c.api.call(Abi.Slot.DESCRIPTION_ID, id, c.scratch, "reading a device id");
        String description = c.describe(desc) + " of " + platform + " (" + c.clientString(
                Abi.Slot.CLIENT_PLATFORM_VERSION, client) + "; PJRT C API " + c.api.version() + ")";
        return new PjrtClient(client, device, id.get(JAVA_INT, Abi.DESCRIPTION_ID.offset("id")), platform, description);
    }

    static void destroy(PjrtApi api, PjrtApi.Scratch scratch, NativeMemory memory, MemorySegment client) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment args = Abi.CLIENT_DESTROY.allocate(call, memory);
            args.set(ADDRESS, Abi.CLIENT_DESTROY.offset("client"), client);
            api.call(Abi.Slot.CLIENT_DESTROY, args, scratch, "destroying the client");
        }
    }

    /** The calls that describe a client and its devices, with their structs in one call's arena. */
    private record Calls(PjrtApi api, PjrtApi.Scratch scratch, NativeMemory memory, Arena arena) {
        MemorySegment descriptionOf(MemorySegment device) {
            MemorySegment get = Abi.DEVICE_GET_DESCRIPTION.allocate(arena, memory);
            get.set(ADDRESS, Abi.DEVICE_GET_DESCRIPTION.offset("device"), device);
            api.call(Abi.Slot.DEVICE_GET_DESCRIPTION, get, scratch, "describing a device");
            return get.get(ADDRESS, Abi.DEVICE_GET_DESCRIPTION.offset("description"));
        }

        /** "TestCpuDevice(id=0) [kind]". */
        String describe(MemorySegment desc) {
            return string(Abi.Slot.DESCRIPTION_TO_STRING, Abi.DESCRIPTION_STRING, "description", desc) + " ["
                    + string(Abi.Slot.DESCRIPTION_KIND, Abi.DESCRIPTION_STRING, "description", desc) + "]";
        }

        String clientString(Abi.Slot slot, MemorySegment client) {
            return string(slot, Abi.CLIENT_STRING, "client", client);
        }

        private String string(Abi.Slot slot, Struct s, String field, MemorySegment of) {
            MemorySegment args = s.allocate(arena, memory);
            args.set(ADDRESS, s.offset(field), of);
            api.call(slot, args, scratch, "describing the client and its devices");
            long size = args.get(JAVA_LONG, s.offset("text_size"));
            MemorySegment text = args.get(ADDRESS, s.offset("text")).reinterpret(size);
            return new String(text.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        }
    }
}
