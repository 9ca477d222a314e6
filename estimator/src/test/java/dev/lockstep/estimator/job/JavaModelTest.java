package dev.lockstep.estimator.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.device.conformance.ReferenceDevice;
import dev.lockstep.estimator.Estimator;
import dev.lockstep.estimator.JavaModel;
import dev.lockstep.estimator.Head;
import dev.lockstep.estimator.ModelFn;
import dev.lockstep.job.JobSpec;
import dev.lockstep.job.SpecException;
import dev.lockstep.nn.Module;
import dev.lockstep.nn.Sequential;
import dev.lockstep.nn.layers.Activation;
import dev.lockstep.nn.layers.Dense;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** model.class: a JavaModel compiled here into a jar, loaded by name from it, trained through the estimator. */
class JavaModelTest {
    static final String SOURCE = """
            package com.example;

            import dev.lockstep.estimator.JavaModel;
            import dev.lockstep.estimator.Head;
            import dev.lockstep.estimator.ModelFn;
            import dev.lockstep.nn.Module;
            import dev.lockstep.nn.Sequential;
            import dev.lockstep.nn.layers.Dense;

            public class MyModel implements JavaModel {
                private final Sequential net = Sequential.of("hidden", new Dense(8), "logits", new Dense(3));

                public Module model() {
                    return net;
                }

                public ModelFn modelFn() {
                    Head head = new Head.Classification(3, 1);
                    return (scope, f, l, mode) -> head.apply(net.call(scope, f.get("x")), l.get("label"), mode);
                }
            }
            """;

    static final String SPEC = """
            model: {class: %s, %s labels: [label]}
            train:
              data: {synthetic: {blobs: {count: 64, classes: 3, dim: 4}}}
              batch_size: 8
              steps: 3
            checkpoints: {dir: runs/java}
            """;

    /** A model on the test classpath, loaded through the same path with no jar. */
    public static final class ClasspathModel implements JavaModel {
        private final Sequential net = Sequential.of("logits", new Dense(3, Activation.Fn.LINEAR));

        @Override
        public Module model() {
            return net;
        }

        @Override
        public ModelFn modelFn() {
            Head head = new Head.Classification(3, 1);
            return (scope, f, l, mode) -> head.apply(net.call(scope, f.get("x")), l.get("label"), mode);
        }
    }

    @Test
    void classCompiledIntoAJarTrains(@TempDir Path dir) throws IOException {
        Path jar = compileToJar(dir);
        assertThrows(ClassNotFoundException.class, () -> Class.forName("com.example.MyModel"),
                "the model must come from the jar, not the test classpath");
        Job job = JobBuilder.build(JobSpec.parse(SPEC.formatted("com.example.MyModel", "jar: " + dir.relativize(jar) + ","),
                dir));
        assertTrue(job.modelFn().getClass().getName().startsWith("com.example.MyModel"), job.modelFn().getClass().getName());
        try (Estimator e = job.builder().device(new ReferenceDevice()).build()) {
            job.run(e);
            assertEquals(3, e.globalStep());
        }
        assertTrue(job.model().parameters().stream().anyMatch(v -> v.path().equals("hidden/kernel")));
    }

    @Test
    void classFromTheClasspathWithoutAJar(@TempDir Path dir) {
        Job job = JobBuilder.build(JobSpec.parse(SPEC.formatted(ClasspathModel.class.getName(), ""), dir));
        assertEquals(Sequential.class, job.model().getClass());
    }

    @Test
    void loadErrorsNameTheClassAndTheField(@TempDir Path dir) {
        SpecException missing = assertThrows(SpecException.class,
                () -> JobBuilder.build(JobSpec.parse(SPEC.formatted("com.example.Nope", ""), dir)));
        assertEquals(List.of("model.class: class com.example.Nope not found in the classpath"), missing.problems());
        SpecException wrongType = assertThrows(SpecException.class,
                () -> JobBuilder.build(JobSpec.parse(SPEC.formatted("java.lang.String", ""), dir)));
        assertEquals(List.of("model.class: class java.lang.String does not implement dev.lockstep.estimator.JavaModel"),
                wrongType.problems());
        SpecException head = assertThrows(SpecException.class, () -> JobSpec.parse(SPEC.formatted(
                ClasspathModel.class.getName(), "") + "head: {regression: {}}\n", dir));
        assertEquals(List.of("head: not used with model.class: the class's model function computes the loss"),
                head.problems());
    }

    static Path compileToJar(Path dir) throws IOException {
        Path src = dir.resolve("src/com/example/MyModel.java"), classes = dir.resolve("classes");
        Files.createDirectories(src.getParent());
        Files.createDirectories(classes);
        Files.writeString(src, SOURCE);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-d", classes.toString(), "-classpath", System.getProperty("java.class.path"),
                src.toString());
        assertEquals(0, rc, "javac failed");
        Path jar = dir.resolve("lib/model.jar");
        Files.createDirectories(jar.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, (OutputStream) out);
                out.closeEntry();
            }
        }
        return jar;
    }
}
