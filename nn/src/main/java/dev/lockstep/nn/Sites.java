package dev.lockstep.nn;

/** The user's source line for error messages: the first frame outside Lockstep's own libraries. */
final class Sites {
    private static final StackWalker WALKER = StackWalker.getInstance();

    private Sites() {}

    static String caller() {
        return WALKER.walk(frames -> frames
                .filter(f -> !isLibrary(f.getClassName()))
                .findFirst()
                .map(f -> f.getFileName() + ":" + f.getLineNumber() + " (" + f.getMethodName() + ")")
                .orElse("unknown"));
    }

    private static boolean isLibrary(String cls) {
        return (cls.startsWith("dev.lockstep.nn.") || cls.startsWith("dev.lockstep.graph."))
                && !cls.endsWith("Test") && !cls.contains("Test$");
    }
}
