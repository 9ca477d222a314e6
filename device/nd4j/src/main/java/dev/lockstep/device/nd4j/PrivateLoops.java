package dev.lockstep.device.nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Private copies of {@link FusedLoops}: each is the same bytecode defined again as a hidden class, so
 * HotSpot profiles and compiles it for one kernel's ops only (see {@link FusedLoops} for why). Kernels
 * with the same sequence of ops (every parameter's optimizer update, say) share a copy: their profiles
 * would be the same, and a model with hundreds of parameters then costs a handful of JIT compilations,
 * not hundreds.
 */
final class PrivateLoops {
    private static final MethodType RUN = MethodType.methodType(void.class, int[].class, int[].class, int[].class,
            int[].class, int[].class, int[].class, float[][].class, int[][].class, int.class);
    private static final MethodHandle SHARED;
    /** FusedLoops' class file, or null when it cannot be read (then every kernel shares the class). */
    private static final byte[] BYTES;
    /** Copies by op sequence; a few per model, kept for the life of the process. */
    private static final Map<String, MethodHandle> COPIES = new ConcurrentHashMap<>();

    static {
        try {
            SHARED = MethodHandles.lookup().findStatic(FusedLoops.class, "run", RUN);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        byte[] bytes;
        try (InputStream in = FusedLoops.class.getResourceAsStream("FusedLoops.class")) {
            bytes = in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            bytes = null;
        }
        BYTES = bytes;
    }

    private PrivateLoops() {}

    /**
     * {@code FusedLoops.run} of the copy for programs of op sequence {@code ops} (any string that tells
     * sequences apart), or of the shared class when {@code ops} is null.
     */
    static MethodHandle runner(String ops) {
        if (ops == null || BYTES == null) {
            return SHARED;
        }
        return COPIES.computeIfAbsent(ops, k -> copy());
    }

    /** A fresh copy's {@code run}; a new one on every call (tests use this to see copies are distinct). */
    static MethodHandle copy() {
        try {
            MethodHandles.Lookup copy = MethodHandles.lookup().defineHiddenClass(BYTES, true);
            return copy.findStatic(copy.lookupClass(), "run", RUN);
        } catch (ReflectiveOperationException | LinkageError e) {
            return SHARED; // a class loader that will not define it: correct, only slower after other programs
        }
    }
}
