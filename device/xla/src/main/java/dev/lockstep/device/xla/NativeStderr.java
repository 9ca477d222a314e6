package dev.lockstep.device.xla;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Captures what native code writes to file descriptor 2 while an action runs. XLA prints the real
 * reason for rejecting a module there and hands Java only "Cannot deserialize computation", so the
 * device re-runs a failed compilation under this capture to name the culprit. Used only on that
 * failure path: while it runs, stderr of every thread in the process goes to the capture file.
 */
final class NativeStderr {
    private static final int STDERR = 2;

    private NativeStderr() {}

    /**
     * Runs {@code action}, which should not throw, and returns what native code printed to stderr
     * meanwhile ("" if capture is impossible). Native access is granted by the launcher flag
     * {@code --enable-native-access=ALL-UNNAMED}, which TensorFlow Java needs anyway.
     */
    @SuppressWarnings("restricted")
    static String capture(Runnable action) {
        MethodHandle dup, dup2, creat, close;
        try {
            Linker linker = Linker.nativeLinker();
            var libc = linker.defaultLookup();
            var intInt = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
            dup = linker.downcallHandle(libc.find("dup").orElseThrow(), intInt);
            close = linker.downcallHandle(libc.find("close").orElseThrow(), intInt);
            dup2 = linker.downcallHandle(libc.find("dup2").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            creat = linker.downcallHandle(libc.find("creat").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        } catch (RuntimeException | LinkageError e) {
            action.run();
            return "";
        }
        Path file = null;
        int saved = -1;
        try (Arena arena = Arena.ofConfined()) {
            file = Files.createTempFile("lockstep-xla-stderr", ".log");
            int fd = (int) creat.invokeExact(arena.allocateFrom(file.toString()), 0600);
            saved = (int) dup.invokeExact(STDERR);
            if (fd < 0 || saved < 0) {
                action.run();
                return "";
            }
            int ignored = (int) dup2.invokeExact(fd, STDERR);
            ignored = (int) close.invokeExact(fd);
            try {
                action.run();
            } finally {
                ignored = (int) dup2.invokeExact(saved, STDERR);
                ignored = (int) close.invokeExact(saved);
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            return "";
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }
}
