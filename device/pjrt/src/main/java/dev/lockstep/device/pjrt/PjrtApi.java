package dev.lockstep.device.pjrt;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * One loaded PJRT plugin: its {@code PJRT_Api} table, checked against what the binding was written for, and a
 * downcall handle per slot the binding uses. Every PJRT function takes one argument struct and returns a
 * {@code PJRT_Error*} (null on success); {@link #call} turns a non-null one into a {@link PjrtException} that
 * carries the plugin's code and message.
 */
final class PjrtApi {
    private static final FunctionDescriptor ARGS_TO_ERROR = FunctionDescriptor.of(ADDRESS, ADDRESS);
    private static final FunctionDescriptor ARGS_TO_VOID = FunctionDescriptor.ofVoid(ADDRESS);

    private final Path plugin;
    private final int minor;
    private final Map<Abi.Slot, MethodHandle> slots = new EnumMap<>(Abi.Slot.class);

    private PjrtApi(Path plugin, MemorySegment api, int minor) {
        this.plugin = plugin;
        this.minor = minor;
        Linker linker = Linker.nativeLinker();
        for (Abi.Slot s : Abi.Slot.values()) {
            MemorySegment fn = api.get(ADDRESS, s.offset());
            if (fn.address() == 0) {
                throw new PjrtException("PJRT plugin " + plugin, "UNIMPLEMENTED", "its PJRT_Api has no " + s.function
                        + ", which this binding needs");
            }
            boolean returnsVoid = s == Abi.Slot.ERROR_DESTROY || s == Abi.Slot.ERROR_MESSAGE;
            slots.put(s, linker.downcallHandle(fn, returnsVoid ? ARGS_TO_VOID : ARGS_TO_ERROR));
        }
    }

    /**
     * Loads {@code plugin}, reads its {@code PJRT_Api} and refuses it when its version or table size is not
     * one this binding speaks, naming both. The library stays loaded for the life of the process, as PJRT
     * plugins expect.
     */
    @SuppressWarnings("restricted")
    static PjrtApi load(Path plugin) {
        if (!Files.isRegularFile(plugin)) {
            throw new IllegalArgumentException("PJRT plugin " + plugin + " does not exist or is not a file");
        }
        SymbolLookup library;
        try {
            library = SymbolLookup.libraryLookup(plugin, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot load PJRT plugin " + plugin + ": " + e.getMessage(), e);
        }
        MemorySegment get = library.find("GetPjrtApi").orElseThrow(() -> new IllegalArgumentException(
                "PJRT plugin " + plugin + " does not export GetPjrtApi, so it is not a PJRT plugin (a PJRT plugin "
                        + "is a shared library whose GetPjrtApi returns its PJRT_Api table)"));
        MemorySegment api;
        try {
            api = (MemorySegment) Linker.nativeLinker().downcallHandle(get, FunctionDescriptor.of(ADDRESS)).invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException("GetPjrtApi of " + plugin + " failed: " + e, e);
        }
        if (api.address() == 0) {
            throw new IllegalArgumentException("GetPjrtApi of PJRT plugin " + plugin + " returned null");
        }
        api = api.reinterpret(Abi.API_SLOTS);
        long size = api.get(JAVA_LONG, Abi.API_STRUCT_SIZE);
        MemorySegment version = api.asSlice(Abi.API_VERSION, Abi.VERSION_END);
        long versionSize = version.get(JAVA_LONG, Abi.VERSION_STRUCT_SIZE);
        int major = version.get(JAVA_INT, Abi.VERSION_MAJOR);
        int minor = version.get(JAVA_INT, Abi.VERSION_MINOR);
        String ours = "this binding speaks PJRT C API " + Abi.MAJOR + "." + Abi.MIN_MINOR + " to " + Abi.MAJOR + "."
                + Abi.MINOR + " (written for " + Abi.MAJOR + "." + Abi.MINOR + ")";
        if (versionSize < Abi.VERSION_END) {
            throw incompatible(plugin, "its PJRT_Api_Version is " + versionSize + " bytes, expected "
                    + Abi.VERSION_END + "; " + ours);
        }
        if (major != Abi.MAJOR || minor < Abi.MIN_MINOR) {
            throw incompatible(plugin, "it implements PJRT C API " + major + "." + minor + "; " + ours);
        }
        if (size < Abi.requiredApiSize()) {
            throw incompatible(plugin, "its PJRT_Api (version " + major + "." + minor + ") is " + size
                    + " bytes, but the slots this binding calls end at byte " + Abi.requiredApiSize() + "; " + ours);
        }
        return new PjrtApi(plugin, api.reinterpret(size), minor);
    }

    private static IllegalArgumentException incompatible(Path plugin, String why) {
        return new IllegalArgumentException("PJRT plugin " + plugin + " is incompatible: " + why);
    }

    Path plugin() {
        return plugin;
    }

    /** The plugin's PJRT C API version, as {@code 0.N}. */
    String version() {
        return Abi.MAJOR + "." + minor;
    }

    /** Calls {@code slot} with {@code args}; a plugin error becomes a PjrtException naming {@code what}. */
    void call(Abi.Slot slot, MemorySegment args, Scratch scratch, String what) {
        MemorySegment error;
        try {
            error = (MemorySegment) slots.get(slot).invokeExact(args);
        } catch (Throwable e) {
            throw new IllegalStateException(slot.function + " of " + plugin + " could not be called: " + e, e);
        }
        if (error.address() != 0) {
            throw exception(error, scratch, what + " (" + slot.function + ")");
        }
    }

    /** Reads code and message of {@code error}, destroys it, and returns them as an exception. */
    PjrtException exception(MemorySegment error, Scratch scratch, String what) {
        MemorySegment m = scratch.errorMessage, c = scratch.errorCode, d = scratch.errorDestroy;
        Abi.ERROR_MESSAGE.reset(m);
        m.set(ADDRESS, Abi.ERROR_MESSAGE.offset("error"), error);
        invokeVoid(Abi.Slot.ERROR_MESSAGE, m);
        long size = m.get(JAVA_LONG, Abi.ERROR_MESSAGE.offset("message_size"));
        MemorySegment text = m.get(ADDRESS, Abi.ERROR_MESSAGE.offset("message")).reinterpret(size);
        String message = new String(text.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        Abi.ERROR_GET_CODE.reset(c);
        c.set(ADDRESS, Abi.ERROR_GET_CODE.offset("error"), error);
        MemorySegment codeError = invoke(Abi.Slot.ERROR_GET_CODE, c);
        int code = codeError.address() == 0 ? c.get(JAVA_INT, Abi.ERROR_GET_CODE.offset("code")) : 2;
        destroyError(codeError, d);
        destroyError(error, d);
        return new PjrtException("PJRT plugin " + plugin.getFileName() + " failed in " + what, code, message);
    }

    void destroyError(MemorySegment error, MemorySegment args) {
        if (error.address() != 0) {
            Abi.ERROR_DESTROY.reset(args);
            args.set(ADDRESS, Abi.ERROR_DESTROY.offset("error"), error);
            invokeVoid(Abi.Slot.ERROR_DESTROY, args);
        }
    }

    /** Calls {@code slot} and returns its PJRT_Error* without interpreting it. */
    MemorySegment invoke(Abi.Slot slot, MemorySegment args) {
        try {
            return (MemorySegment) slots.get(slot).invokeExact(args);
        } catch (Throwable e) {
            throw new IllegalStateException(slot.function + " of " + plugin + " could not be called: " + e, e);
        }
    }

    private void invokeVoid(Abi.Slot slot, MemorySegment args) {
        try {
            slots.get(slot).invokeExact(args);
        } catch (Throwable e) {
            throw new IllegalStateException(slot.function + " of " + plugin + " could not be called: " + e, e);
        }
    }

    /** The three structs error handling needs, preallocated so that an error costs no native allocation. */
    static final class Scratch {
        final MemorySegment errorMessage, errorCode, errorDestroy;

        Scratch(Arena arena, NativeMemory memory) {
            errorMessage = Abi.ERROR_MESSAGE.allocate(arena, memory);
            errorCode = Abi.ERROR_GET_CODE.allocate(arena, memory);
            errorDestroy = Abi.ERROR_DESTROY.allocate(arena, memory);
        }
    }
}
