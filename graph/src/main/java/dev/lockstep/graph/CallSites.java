package dev.lockstep.graph;

import java.util.Arrays;

/**
 * The user's source line for error messages: the first stack frame outside the given library
 * packages (test classes inside them count as user code, so tests can check their own lines).
 */
public final class CallSites {
    private static final StackWalker WALKER = StackWalker.getInstance();

    private CallSites() {}

    /** "File.java:line (Class.method)" of the first frame whose class is in none of these package prefixes. */
    public static String firstOutside(String... libraryPackages) {
        return WALKER.walk(frames -> frames
                .filter(f -> !isLibrary(f.getClassName(), libraryPackages))
                .findFirst()
                .map(f -> f.getFileName() + ":" + f.getLineNumber() + " (" + simple(f.getClassName()) + "."
                        + f.getMethodName() + ")")
                .orElse("unknown"));
    }

    private static boolean isLibrary(String cls, String[] packages) {
        return Arrays.stream(packages).anyMatch(cls::startsWith) && !cls.endsWith("Test") && !cls.contains("Test$");
    }

    private static String simple(String cls) {
        return cls.substring(cls.lastIndexOf('.') + 1);
    }
}
