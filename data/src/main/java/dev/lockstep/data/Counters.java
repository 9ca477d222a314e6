package dev.lockstep.data;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/** Per-iterator metrics, shared by all stages of one iterator (and its prefetch threads). */
final class Counters {
    final LongAdder elements = new LongAdder();
    final LongAdder waitNanos = new LongAdder();
    final LongAdder corruptSkipped = new LongAdder();
    final AtomicReference<String> lastCorruption = new AtomicReference<>();

    void skippedCorrupt(String description) {
        corruptSkipped.increment();
        lastCorruption.set(description);
    }

    DataMetrics snapshot() {
        return new DataMetrics(elements.sum(), waitNanos.sum(), corruptSkipped.sum(), lastCorruption.get());
    }
}
