package dev.lockstep.device.nd4j;

import dev.lockstep.device.Executable;
import dev.lockstep.graph.OpKind;
import java.util.EnumMap;
import java.util.Map;

/**
 * Kernel time of a cpu executable per op kind, for benchmarks and tuning: the wall time of a step
 * minus {@link #totalNanos()} is the executor's own overhead (binding, scheduling, copies).
 * Attaching turns on two clock reads per kernel; it is not for production runs.
 */
public final class KernelProfiler {
    private final long[] nanos;

    private KernelProfiler(long[] nanos) {
        this.nanos = nanos;
    }

    /** Starts timing {@code executable}, which must come from a cpu or cuda device of this module. */
    public static KernelProfiler attach(Executable executable) {
        if (!(executable instanceof Nd4jExecutable e)) {
            throw new IllegalArgumentException("KernelProfiler needs an executable of the nd4j devices, got "
                    + executable.getClass().getName() + " from device " + executable.device().name());
        }
        return new KernelProfiler(e.profile());
    }

    public synchronized void reset() {
        java.util.Arrays.fill(nanos, 0);
    }

    public synchronized long totalNanos() {
        long t = 0;
        for (long n : nanos) {
            t += n;
        }
        return t;
    }

    /** Nanoseconds per op kind with any time recorded. */
    public synchronized Map<OpKind, Long> byKind() {
        Map<OpKind, Long> out = new EnumMap<>(OpKind.class);
        for (OpKind k : OpKind.values()) {
            if (nanos[k.ordinal()] > 0) {
                out.put(k, nanos[k.ordinal()]);
            }
        }
        return out;
    }
}
