package dev.lockstep.device.pjrt.testplugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds the Lockstep test plugin: the C sources beside this class (resources) compiled with gcc into a shared
 * library that exports GetPjrtApi and runs StableHLO through TensorFlow's XlaCallModule, linked against the
 * libtensorflow_cc.so.2 that TensorFlow Java unpacks (see README.md in the resources). Builds are cached in
 * {@code target/test-plugin/} by a hash of the sources, the flags and the TensorFlow path.
 *
 * <p>{@code main(OUT_DIR)} builds the standard plugin there and prints its path (for the bench and the
 * README's {@code lockstep train --device pjrt:PATH}).
 */
public final class TestPlugin {
    private static final String RESOURCES = "/dev/lockstep/device/pjrt/testplugin/";
    private static final List<String> SOURCES = List.of("pjrt_abi.h", "tf_c.h", "plugin.h", "api.c", "buffers.c",
            "parse.c", "program.c");

    private TestPlugin() {}

    /** The standard plugin, built in {@code target/test-plugin}. */
    public static Path standard() {
        return build(Path.of("target", "test-plugin"), "");
    }

    /** A variant compiled with extra gcc flags (such as {@code -DTEST_API_MAJOR=1}), named by {@code variant}. */
    public static Path variant(String variant, String... flags) {
        return build(Path.of("target", "test-plugin"), variant, flags);
    }

    public static synchronized Path build(Path dir, String variant, String... flags) {
        Path tf = tensorflowDirectory();
        try {
            Files.createDirectories(dir);
            String key = hash(tf, flags);
            Path so = dir.resolve("liblockstep_test_pjrt" + (variant.isEmpty() ? "" : "_" + variant) + ".so").toAbsolutePath();
            Path stamp = so.resolveSibling(so.getFileName() + ".hash");
            if (Files.isRegularFile(so) && Files.isRegularFile(stamp) && Files.readString(stamp).equals(key)) {
                return so;
            }
            Path src = Files.createTempDirectory(dir.toAbsolutePath(), "src");
            for (String name : SOURCES) {
                try (InputStream in = TestPlugin.class.getResourceAsStream(RESOURCES + name)) {
                    Files.copy(in, src.resolve(name));
                }
            }
            Path tmp = Files.createTempFile(dir.toAbsolutePath(), "plugin", ".so");
            List<String> cmd = new ArrayList<>(List.of("gcc", "-std=c11", "-D_GNU_SOURCE", "-O2", "-Wall", "-Wextra",
                    "-Werror", "-fPIC", "-shared", "-fvisibility=hidden", "-pthread", "-o", tmp.toString()));
            cmd.addAll(List.of(flags));
            for (String name : SOURCES) {
                if (name.endsWith(".c")) {
                    cmd.add(src.resolve(name).toString());
                }
            }
            cmd.addAll(List.of("-L" + tf, "-l:libtensorflow_cc.so.2", "-l:libtensorflow_framework.so.2",
                    "-Wl,-rpath," + tf));
            run(cmd);
            Files.move(tmp, so, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.writeString(stamp, key);
            for (String name : SOURCES) {
                Files.delete(src.resolve(name));
            }
            Files.delete(src);
            return so;
        } catch (IOException e) {
            throw new UncheckedIOException("building the test plugin in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void run(List<String> cmd) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run gcc (the test plugin is compiled with it; .ci/run installs it): "
                    + e.getMessage(), e);
        }
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("gcc did not finish within 120 s: " + String.join(" ", cmd));
            }
            if (p.exitValue() != 0) {
                throw new IOException("gcc failed (" + p.exitValue() + "): " + String.join(" ", cmd) + "\n" + out);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while gcc ran", e);
        }
    }

    /** Where TensorFlow Java unpacked libtensorflow_cc.so.2 (it does so when it first loads). */
    static Path tensorflowDirectory() {
        org.tensorflow.TensorFlow.version();
        String path = org.bytedeco.javacpp.Loader.getLoadedLibraries().get("tensorflow_cc@.2");
        if (path == null) {
            throw new IllegalStateException("TensorFlow Java loaded, but JavaCPP does not list libtensorflow_cc.so.2 "
                    + "among its libraries: " + org.bytedeco.javacpp.Loader.getLoadedLibraries());
        }
        return Path.of(path).getParent();
    }

    private static String hash(Path tf, String... flags) throws IOException {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (String name : SOURCES) {
                try (InputStream in = TestPlugin.class.getResourceAsStream(RESOURCES + name)) {
                    d.update(in.readAllBytes());
                }
            }
            d.update(tf.toString().getBytes(StandardCharsets.UTF_8));
            d.update(String.join(" ", flags).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the plugin holds now, from its test hook {@code lockstep_test_pjrt_stats}. */
    public record Stats(long liveBuffers, long liveBytes, long buffersCreated, long executions, long donations,
                        long liveEvents, long liveClients, long liveExecutables, long aliveAtClientDestroy) {}

    @SuppressWarnings("restricted")
    public static Stats stats(Path plugin) {
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup lib = SymbolLookup.libraryLookup(plugin, arena);
            MemorySegment fn = lib.find("lockstep_test_pjrt_stats").orElseThrow();
            MemorySegment out = arena.allocate(ValueLayout.JAVA_LONG, 9);
            Linker.nativeLinker().downcallHandle(fn, FunctionDescriptor.ofVoid(ValueLayout.ADDRESS)).invokeExact(out);
            long[] v = out.toArray(ValueLayout.JAVA_LONG);
            return new Stats(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
        } catch (Throwable e) {
            throw new IllegalStateException("reading the test plugin's stats: " + e, e);
        }
    }

    public static void main(String[] args) {
        Path dir = args.length > 0 ? Path.of(args[0]) : Path.of("target", "test-plugin");
        System.out.println(build(dir, ""));
    }
}
