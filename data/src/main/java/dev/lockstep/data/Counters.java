package dev.lockstep.data;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-iterator metrics, shared by all stages of one iterator (and its prefetch threads). A skipped corrupt
 * record is counted when the consumer passes it, not when a stage reads it: until then it is pending on
 * the thread that read it, and stages that hold elements (prefetch's queue, shuffle's block) carry it
 * with them. A resumed iterator re-reads from the consumer's cursor, so a skip counted when read ahead
 * would be counted again; counted when passed, each is reported exactly once.
 */
final class Counters {
    /** A corrupt region a source skipped: where and why, and how many bytes it lost. */
    record Skip(String description, long bytes) {}

    final LongAdder elements = new LongAdder();
    final LongAdder waitNanos = new LongAdder();
    final LongAdder corruptSkipped = new LongAdder();
    final LongAdder corruptBytes = new LongAdder();
    final AtomicReference<String> lastCorruption = new AtomicReference<>();
    private final ThreadLocal<List<Skip>> pending = ThreadLocal.withInitial(ArrayList::new);

    /** Called by a source, on the thread that read the corrupt bytes. */
    void skippedCorrupt(String description, long bytes) {
        pending.get().add(new Skip(description, bytes));
    }

    /** How many skips are pending on this thread: pass it to {@link #takePendingSince} to take only newer ones. */
    int pendingMark() {
        return pending.get().size();
    }

    /** Removes and returns this thread's skips pending since {@code mark}, for a stage that holds elements. */
    List<Skip> takePendingSince(int mark) {
        List<Skip> mine = pending.get().subList(mark, pending.get().size());
        List<Skip> taken = List.copyOf(mine);
        mine.clear();
        return taken;
    }

    /** Hands skips a stage held back to this thread, as the elements they preceded move on. */
    void repost(List<Skip> skips) {
        pending.get().addAll(skips);
    }

    /** Counts this thread's pending skips: the consumer has passed them. */
    void publishPending() {
        for (Skip s : takePendingSince(0)) {
            corruptSkipped.increment();
            corruptBytes.add(s.bytes());
            lastCorruption.set(s.description());
        }
    }

    DataMetrics snapshot() {
        return new DataMetrics(elements.sum(), waitNanos.sum(), corruptSkipped.sum(), corruptBytes.sum(),
                lastCorruption.get());
    }
}
