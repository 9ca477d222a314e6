package dev.lockstep.device.nd4j;

import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.factory.Nd4j;

/** Finding and configuring the ND4J backend on the class path. */
final class Backends {
    static final String NATIVE_BACKEND = "org.nd4j.linalg.cpu.nativecpu.CpuBackend";
    static final String CUDA_BACKEND = "org.nd4j.linalg.jcublas.JCublasBackend";

    private Backends() {}

    /**
     * Empty if the backend class is present and ND4J loads it; otherwise why not. Loading ND4J
     * starts its native library, so this is called lazily and its answer cached by the provider.
     */
    static String probe(String backendClass, String artifact) {
        try {
            Class.forName(backendClass, false, Backends.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return artifact + " is not on the class path";
        }
        try {
            String loaded = Nd4j.getBackend().getClass().getName();
            if (!loaded.equals(backendClass)) {
                return "ND4J loaded backend " + loaded + " instead of " + backendClass;
            }
            return "";
        } catch (Throwable t) {
            // A missing native library or driver surfaces as an Error from the static initialisers.
            Throwable root = t;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            return "ND4J backend " + backendClass + " failed to load: " + root;
        }
    }

    static int gpuCount() {
        try {
            return Nd4j.getAffinityManager().getNumberOfDevices();
        } catch (Throwable t) {
            return 0;
        }
    }

    /** OpenBLAS and ND4J's OpenMP pool both get {@code threads} threads (process-wide settings). */
    static void configureThreads(int threads) {
        openblas_nolapack.blas_set_num_threads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(1);
        Nd4j.getEnvironment().setMaxThreads(threads);
    }
}
