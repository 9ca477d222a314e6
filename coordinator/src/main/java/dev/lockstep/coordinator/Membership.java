package dev.lockstep.coordinator;

import com.google.protobuf.ByteString;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import dev.lockstep.proto.v1.PathChecksum;
import java.util.OptionalInt;

/**
 * The workers of one job in one epoch: who holds which rank, when each was last heard from, and the steps
 * each has committed. Guarded by the owning {@link Coordinator}'s lock; holds no clock of its own.
 */
final class Membership {
    /** One registered worker. {@code lastStep} is the highest step it reported by heartbeat or commit. */
    static final class Member {
        final int rank;
        final String address;
        final String device;
        Instant lastSeen;
        /** The epoch its registration answer carried: older than the job's once the ring formed after it. */
        long toldEpoch;
        long lastStep;
        long committedStep;
        /** Seconds of the last step it committed (StepTimes.total); NaN before the first. */
        double lastStepSeconds = Double.NaN;
        /** Seconds of that step outside the all-reduce (data, compute, apply): the rank others wait for has the most. */
        double lastBusySeconds = Double.NaN;
        /** Set by WorkerReady: the model it built and the step it resumes from. */
        boolean ready;
        String fingerprint = "";
        long startStep;

        Member(int rank, String address, String device, Instant now) {
            this.rank = rank;
            this.address = address;
            this.device = device;
            this.lastSeen = now;
        }
    }

    private final int worldSize;
    private final Member[] byRank;
    /** First checksum reported for each step not yet committed by every rank: step → rank. */
    private final Map<Long, Integer> checksumRank = new HashMap<>();
    private final Map<Long, Map<String, String>> checksums = new HashMap<>();
    /** Per step not yet committed by every rank: the first reported data position, and who reported it. */
    private final Map<Long, ByteString> cursors = new HashMap<>();
    private final Map<Long, Integer> cursorRank = new HashMap<>();
    /** The first rank that reported ready this epoch: every other rank must agree with it. */
    private Member reference;
    /** True once every rank registered and reported ready and the ring was handed out. */
    private boolean formed;

    Membership(int worldSize) {
        this.worldSize = worldSize;
        this.byRank = new Member[worldSize];
    }

    int registered() {
        int n = 0;
        for (Member m : byRank) {
            n += m == null ? 0 : 1;
        }
        return n;
    }

    boolean complete() {
        return registered() == worldSize;
    }

    Optional<Member> member(int rank) {
        return rank >= 0 && rank < worldSize ? Optional.ofNullable(byRank[rank]) : Optional.empty();
    }

    OptionalInt rankOf(String address) {
        for (Member m : byRank) {
            if (m != null && m.address.equals(address)) {
                return OptionalInt.of(m.rank);
            }
        }
        return OptionalInt.empty();
    }

    /** The lowest free rank; callers check {@link #complete()} first. */
    int nextFreeRank() {
        for (int r = 0; r < worldSize; r++) {
            if (byRank[r] == null) {
                return r;
            }
        }
        throw new IllegalStateException("no free rank in a world of " + worldSize);
    }

    Member add(int rank, String address, String device, Instant now) {
        Member m = new Member(rank, address, device, now);
        byRank[rank] = m;
        return m;
    }

    /** Frees {@code rank} (a worker refused at readiness); the ring has not formed, so nobody else is affected. */
    void remove(int rank) {
        if (reference == byRank[rank]) {
            reference = null;
        }
        byRank[rank] = null;
    }

    boolean allReady() {
        for (Member m : byRank) {
            if (m == null || !m.ready) {
                return false;
            }
        }
        return true;
    }

    /**
     * Marks {@code m} ready with its model fingerprint and start step; returns the refusal naming both ranks
     * and both values if it disagrees with the first rank that reported ready.
     */
    Optional<String> ready(Member m, String fingerprint, long startStep) {
        if (reference != null && reference != m) {
            List<String> differences = new ArrayList<>();
            if (!reference.fingerprint.equals(fingerprint)) {
                differences.add("model fingerprint " + fingerprint + " (rank " + m.rank + ") vs "
                        + reference.fingerprint + " (rank " + reference.rank + ")");
            }
            if (reference.startStep != startStep) {
                differences.add("start step " + startStep + " (rank " + m.rank + ") vs " + reference.startStep
                        + " (rank " + reference.rank + ")");
            }
            if (!differences.isEmpty()) {
                return Optional.of(String.join("; ", differences));
            }
        }
        m.ready = true;
        m.fingerprint = fingerprint;
        m.startStep = startStep;
        if (reference == null) {
            reference = m;
        }
        return Optional.empty();
    }

    /** Hands out the ring: every member's committed step starts at the agreed start step. */
    long form() {
        formed = true;
        for (Member m : byRank) {
            m.committedStep = m.startStep;
            m.lastStep = Math.max(m.lastStep, m.startStep);
        }
        return reference.startStep;
    }

    boolean formed() {
        return formed;
    }

    List<Member> members() {
        List<Member> out = new ArrayList<>();
        for (Member m : byRank) {
            if (m != null) {
                out.add(m);
            }
        }
        return out;
    }

    /** Collective addresses in rank order: the ring every rank receives. */
    List<String> ring() {
        List<String> ring = new ArrayList<>(worldSize);
        for (Member m : byRank) {
            ring.add(m.address);
        }
        return List.copyOf(ring);
    }

    /** The member whose last heartbeat is oldest among those older than {@code cutoff}, if any. */
    Optional<Member> silentSince(Instant cutoff) {
        Member oldest = null;
        for (Member m : byRank) {
            if (m != null && m.lastSeen.isBefore(cutoff) && (oldest == null || m.lastSeen.isBefore(oldest.lastSeen))) {
                oldest = m;
            }
        }
        return Optional.ofNullable(oldest);
    }

    /** Minimum committed step over all ranks (0 while any rank is missing). */
    long committedStep() {
        long min = Long.MAX_VALUE;
        for (Member m : byRank) {
            if (m == null) {
                return 0;
            }
            min = Math.min(min, m.committedStep);
        }
        return min;
    }

    /**
     * Records the per-path {@code checksums} of {@code rank} at {@code step}; returns the message naming both
     * ranks and the first path (in path order) whose checksum differs from another rank's for that step.
     */
    Optional<String> checkReplica(int rank, long step, List<PathChecksum> reported) {
        Map<String, String> mine = new TreeMap<>();
        reported.forEach(c -> mine.put(c.getPath(), c.getChecksum()));
        Map<String, String> first = checksums.putIfAbsent(step, mine);
        if (first == null) {
            checksumRank.put(step, rank);
            return Optional.empty();
        }
        if (first.equals(mine)) {
            return Optional.empty();
        }
        Set<String> paths = new TreeSet<>(first.keySet());
        paths.addAll(mine.keySet());
        for (String path : paths) {
            String a = first.getOrDefault(path, "(missing)");
            String b = mine.getOrDefault(path, "(missing)");
            if (!a.equals(b)) {
                return Optional.of("replicas differ after step " + step + " at " + path + ": rank "
                        + checksumRank.get(step) + " has " + a + ", rank " + rank + " has " + b);
            }
        }
        throw new IllegalStateException("unequal checksum maps with no differing path");
    }

    /**
     * Records the data position {@code rank} reported after {@code step}; returns the message naming both
     * ranks when another rank reported a different one for that step (the cursor counts global batches,
     * so every rank of a step is at the same position). An empty cursor (none sent) is not compared.
     */
    Optional<String> checkCursor(int rank, long step, ByteString cursor) {
        if (cursor.isEmpty()) {
            return Optional.empty();
        }
        ByteString first = cursors.putIfAbsent(step, cursor);
        if (first == null) {
            cursorRank.put(step, rank);
            return Optional.empty();
        }
        if (first.equals(cursor)) {
            return Optional.empty();
        }
        return Optional.of("ranks read different data at step " + step + ": rank " + cursorRank.get(step) + " is at "
                + DataPositions.describe(first) + ", rank " + rank + " at " + DataPositions.describe(cursor)
                + " (do all workers read the same input files?)");
    }

    /** The data position the ranks reported after {@code step}, if any sent one and it is still kept. */
    Optional<ByteString> cursorAt(long step) {
        return Optional.ofNullable(cursors.get(step));
    }

    /** Forgets checksums and cursors of steps every rank has committed (nothing is left to compare them with). */
    void forgetThrough(long step) {
        checksums.keySet().removeIf(s -> s <= step);
        checksumRank.keySet().removeIf(s -> s <= step);
        cursors.keySet().removeIf(s -> s <= step);
        cursorRank.keySet().removeIf(s -> s <= step);
    }
}
