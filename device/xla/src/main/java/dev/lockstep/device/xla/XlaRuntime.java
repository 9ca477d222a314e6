package dev.lockstep.device.xla;

import dev.lockstep.tensor.HostTensor;
import java.util.List;

/**
 * The seam between the StableHLO emitter and whatever compiles and runs the module. Today:
 * {@link TfXlaRuntime} (TensorFlow's XlaCallModule on the CPU). PJRT plugins (TPU, GPU) consume the same
 * {@link StableHloModule} text in device/pjrt, which needs device-resident buffers this seam does not have.
 */
interface XlaRuntime extends AutoCloseable {
    /** The platform name XLA uses, e.g. {@code CPU}. */
    String platform();

    /**
     * Prepares {@code module} to run. Compilation may be deferred to the first run; a module the
     * compiler rejects fails with {@link RejectedModuleException}.
     */
    Program load(StableHloModule module);

    @Override
    void close();

    /** A loaded module, safe to run from several threads. */
    interface Program extends AutoCloseable {
        /**
         * Runs the module on {@code inputs} (one per function argument) and writes the results into
         * the backing arrays of {@code outputs} (one per function result, of the declared types).
         */
        void run(List<HostTensor> inputs, List<HostTensor> outputs);

        @Override
        void close();
    }

    /**
     * The compiler refused the module. {@code compilerLog} holds what the native side printed while
     * compiling it (XLA reports parser errors as {@code loc("-":LINE:COL): error: ...}), or "".
     */
    final class RejectedModuleException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final String compilerLog;

        RejectedModuleException(String message, String compilerLog, Throwable cause) {
            super(message, cause);
            this.compilerLog = compilerLog;
        }

        String compilerLog() {
            return compilerLog;
        }
    }
}
