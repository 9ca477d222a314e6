package dev.lockstep.device.pjrt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The PJRT plugins loaded in this process, by real path. A plugin is a shared library that the dynamic linker
 * loads once per process and that must be initialized once ({@code PJRT_Plugin_Initialize}); this map mirrors
 * that process-wide state, which is why it is static. Plugins are never unloaded.
 */
final class Plugins {
    private static final ConcurrentHashMap<Path, PjrtApi> LOADED = new ConcurrentHashMap<>();

    private Plugins() {}

    static PjrtApi get(Path plugin) {
        Path real;
        try {
            real = Files.isRegularFile(plugin) ? plugin.toRealPath() : plugin.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve PJRT plugin path " + plugin + ": " + e.getMessage(), e);
        }
        return LOADED.computeIfAbsent(real, Plugins::loadAndInitialize);
    }

    private static PjrtApi loadAndInitialize(Path plugin) {
        PjrtApi api = PjrtApi.load(plugin);
        NativeMemory memory = new NativeMemory();
        PjrtApi.Scratch scratch = new PjrtApi.Scratch(Arena.global(), memory);
        MemorySegment args = Abi.PLUGIN_INITIALIZE.allocate(Arena.global(), memory);
        api.call(Abi.Slot.PLUGIN_INITIALIZE, args, scratch, "initializing the plugin");
        return api;
    }
}
