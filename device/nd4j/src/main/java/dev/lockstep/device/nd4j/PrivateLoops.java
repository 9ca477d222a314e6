package dev.lockstep.device.nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Private copies of {@link FusedLoops}: each is the same bytecode defined again as a hidden class, so
 * HotSpot profiles and compiles it for one kernel's ops only (see {@link FusedLoops} for why). A copy
 * is unloaded with the kernel that holds its handle.
 */
final class PrivateLoops {
    private static final MethodType RUN = MethodType.methodType(void.class, int[].class, int[].class, int[].class,
            int[].class, int[].class, int[].class, float[][].class, int[][].class, int.class);
    private static final MethodHandle SHARED;
    /** FusedLoops' class file, or null when it cannot be read (then every kernel shares the class). */
    private static final byte[] BYTES;

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

    /** {@code FusedLoops.run} of a fresh copy when {@code own}, else of the shared class. */
    static MethodHandle runner(boolean own) {
        if (!own || BYTES == null) {
            return SHARED;
        }
        try {
            MethodHandles.Lookup copy = MethodHandles.lookup().defineHiddenClass(BYTES, true);
            return copy.findStatic(copy.lookupClass(), "run", RUN);
        } catch (ReflectiveOperationException | LinkageError e) {
            return SHARED; // a class loader that will not define it: correct, only slower after other programs
        }
    }
}
