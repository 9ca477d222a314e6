package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where {@code tpu} and {@code gpu} find their plugins: the environment first, then pip's places. */
class PluginLocatorTest {
    private static Path touch(Path p) throws Exception {
        Files.createDirectories(p.getParent());
        return Files.writeString(p, "");
    }

    @Test
    void anExplicitVariableWinsAndIsNeverSecondGuessed(@TempDir Path dir) throws Exception {
        Path tpu = touch(dir.resolve("custom/libtpu.so"));
        Path venvTpu = touch(dir.resolve("venv/lib/python3.12/site-packages/libtpu/libtpu.so"));
        var env = Map.of("LOCKSTEP_TPU_PLUGIN", tpu.toString(), "VIRTUAL_ENV", dir.resolve("venv").toString());
        assertEquals(Optional.of(tpu), new PluginLocator(env).find(PluginLocator.Kind.TPU));
        var wrong = Map.of("LOCKSTEP_TPU_PLUGIN", dir.resolve("typo.so").toString(), "VIRTUAL_ENV",
                dir.resolve("venv").toString());
        assertEquals(Optional.empty(), new PluginLocator(wrong).find(PluginLocator.Kind.TPU),
                "a variable set to a missing file does not fall back to " + venvTpu);
        assertTrue(new PluginLocator(wrong).notFound(PluginLocator.Kind.TPU).contains("LOCKSTEP_TPU_PLUGIN is "
                + dir.resolve("typo.so") + ", which is not a file"));
    }

    @Test
    void jaxsOwnVariablesAndPipsPlacesAreFound(@TempDir Path dir) throws Exception {
        Path tpu = touch(dir.resolve("opt/libtpu.so"));
        assertEquals(Optional.of(tpu), new PluginLocator(Map.of("TPU_LIBRARY_PATH", tpu.toString()))
                .find(PluginLocator.Kind.TPU));
        Path cuda = touch(dir.resolve("p/xla_cuda_plugin.so"));
        assertEquals(Optional.of(cuda), new PluginLocator(Map.of("PJRT_NAMES_AND_LIBRARY_PATHS",
                "rocm:/nope.so, cuda:" + cuda)).find(PluginLocator.Kind.GPU));
        Path pip = touch(dir.resolve("venv/lib/python3.11/site-packages/jax_plugins/xla_cuda12/xla_cuda_plugin.so"));
        assertEquals(Optional.of(pip), new PluginLocator(Map.of("VIRTUAL_ENV", dir.resolve("venv").toString()))
                .find(PluginLocator.Kind.GPU));
        Path user = touch(dir.resolve("home/.local/lib/python3.10/site-packages/libtpu/libtpu.so"));
        assertEquals(Optional.of(user), new PluginLocator(Map.of("HOME", dir.resolve("home").toString()))
                .find(PluginLocator.Kind.TPU));
    }

    @Test
    void nothingFoundSaysWhichVariableToSet(@TempDir Path dir) {
        String why = new PluginLocator(Map.of("HOME", dir.toString())).notFound(PluginLocator.Kind.GPU);
        assertTrue(why.startsWith("no CUDA PJRT plugin (xla_cuda_plugin.so) found; set LOCKSTEP_GPU_PLUGIN to its "
                + "path"), why);
    }
}
