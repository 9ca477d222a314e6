package dev.lockstep.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the usual PJRT plugins are: libtpu for {@code tpu}, the CUDA plugin for {@code gpu}. An explicit
 * variable wins ({@code LOCKSTEP_TPU_PLUGIN}, {@code LOCKSTEP_GPU_PLUGIN}), then the variable JAX itself reads
 * ({@code TPU_LIBRARY_PATH}; {@code PJRT_NAMES_AND_LIBRARY_PATHS}'s {@code cuda:} entry), then the places pip
 * installs them ({@code libtpu/libtpu.so}, {@code jax_plugins/xla_cuda12/xla_cuda_plugin.so}) in the Python
 * environments of this host, then the system library directories. A pure function of the environment map and
 * the file system, so tests pass both.
 */
record PluginLocator(Map<String, String> env) {
    enum Kind {
        TPU("tpu", "LOCKSTEP_TPU_PLUGIN", "libtpu.so", List.of("libtpu/libtpu.so")),
        GPU("gpu", "LOCKSTEP_GPU_PLUGIN", "CUDA PJRT plugin (xla_cuda_plugin.so)",
                List.of("jax_plugins/xla_cuda12/xla_cuda_plugin.so", "jax_plugins/xla_cuda13/xla_cuda_plugin.so"));

        final String device;
        final String variable;
        final String what;
        final List<String> inSitePackages;

        Kind(String device, String variable, String what, List<String> inSitePackages) {
            this.device = device;
            this.variable = variable;
            this.what = what;
            this.inSitePackages = inSitePackages;
        }
    }

    /** The plugin, or empty. */
    Optional<Path> find(Kind kind) {
        for (Path p : candidates(kind)) {
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Every path looked at, in order; the first that is a file is the plugin. */
    List<Path> candidates(Kind kind) {
        List<Path> out = new ArrayList<>();
        String explicit = env.get(kind.variable);
        if (explicit != null && !explicit.isBlank()) {
            return List.of(Path.of(explicit)); // set on purpose: never fall back to another plugin
        }
        if (kind == Kind.TPU && env.containsKey("TPU_LIBRARY_PATH")) {
            out.add(Path.of(env.get("TPU_LIBRARY_PATH")));
        }
        if (kind == Kind.GPU && env.containsKey("PJRT_NAMES_AND_LIBRARY_PATHS")) {
            for (String entry : env.get("PJRT_NAMES_AND_LIBRARY_PATHS").split(",")) {
                int colon = entry.indexOf(':');
                String name = colon < 0 ? "" : entry.substring(0, colon).trim();
                if (name.equals("cuda") || name.equals("gpu")) {
                    out.add(Path.of(entry.substring(colon + 1).trim()));
                }
            }
        }
        for (Path site : sitePackages()) {
            for (String rel : kind.inSitePackages) {
                out.add(site.resolve(rel));
            }
        }
        if (kind == Kind.TPU) {
            for (String dir : List.of("/usr/local/lib", "/usr/lib", "/lib")) {
                out.add(Path.of(dir, "libtpu.so"));
            }
        }
        return out;
    }

    /** The site-packages and dist-packages directories of the active and the usual Python installations. */
    private List<Path> sitePackages() {
        List<Path> roots = new ArrayList<>();
        for (String var : List.of("VIRTUAL_ENV", "CONDA_PREFIX")) {
            if (env.get(var) != null && !env.get(var).isBlank()) {
                roots.add(Path.of(env.get(var), "lib"));
            }
        }
        if (env.get("HOME") != null) {
            roots.add(Path.of(env.get("HOME"), ".local", "lib"));
        }
        roots.add(Path.of("/usr/local/lib"));
        roots.add(Path.of("/usr/lib"));
        roots.add(Path.of("/opt/conda/lib"));
        List<Path> out = new ArrayList<>();
        for (Path root : roots) {
            for (Path python : children(root, "python3*")) {
                out.add(python.resolve("site-packages"));
                out.add(python.resolve("dist-packages"));
            }
        }
        return out;
    }

    private static List<Path> children(Path dir, String glob) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
            s.forEach(out::add);
        } catch (IOException e) {
            return out; // an unreadable directory holds no plugin we could load anyway
        }
        out.sort(null);
        return out;
    }

    /** Why {@code kind}'s plugin was not found: the variable to set and the places looked at. */
    String notFound(Kind kind) {
        List<Path> looked = candidates(kind);
        String explicit = env.get(kind.variable);
        if (explicit != null && !explicit.isBlank()) {
            return kind.variable + " is " + explicit + ", which is not a file";
        }
        return "no " + kind.what + " found; set " + kind.variable + " to its path (looked at " + looked.size()
                + " places: " + (looked.size() <= 6 ? looked : looked.subList(0, 6) + " ...") + ")";
    }
}
