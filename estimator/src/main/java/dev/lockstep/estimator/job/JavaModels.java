package dev.lockstep.estimator.job;

import dev.lockstep.estimator.JavaModel;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Loads a {@link JavaModel} by class name through a class loader over the user's jar. */
final class JavaModels {
    private JavaModels() {}

    /**
     * Instantiates {@code className}. The loader delegates to Lockstep's own loader first, so the model
     * sees the same {@code Module} and {@code ModelFn} types; with no jar it finds classes on the classpath.
     * The loader stays open: the model's classes are used for as long as the job runs.
     */
    static JavaModel load(String className, Optional<Path> jar) {
        URL[] urls;
        try {
            if (jar.isPresent() && !Files.isRegularFile(jar.get())) {
                throw new IllegalArgumentException("jar " + jar.get().toAbsolutePath() + " does not exist");
            }
            urls = jar.isPresent() ? new URL[] {jar.get().toUri().toURL()} : new URL[0];
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("jar path " + jar.get() + " is not a valid URL: " + e.getMessage(), e);
        }
        @SuppressWarnings("resource") // see above: closing it would unload classes the job still runs
        URLClassLoader loader = new URLClassLoader("lockstep-user-model", urls, JavaModels.class.getClassLoader());
        Class<?> c;
        try {
            c = Class.forName(className, true, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("class " + className + " not found in "
                    + jar.map(j -> "jar " + j.toAbsolutePath()).orElse("the classpath"), e);
        }
        if (!JavaModel.class.isAssignableFrom(c)) {
            throw new IllegalArgumentException("class " + className + " does not implement "
                    + JavaModel.class.getName());
        }
        try {
            return (JavaModel) c.getConstructor().newInstance();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("class " + className + " needs a public no-argument constructor", e);
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException("constructor of " + className + " failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot instantiate " + className + ": " + e, e);
        }
    }
}
