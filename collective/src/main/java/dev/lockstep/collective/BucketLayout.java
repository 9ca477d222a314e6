package dev.lockstep.collective;

import dev.lockstep.tensor.DType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Assignment of tensors to buckets: a pure function of the tensors (in the caller's layout order, i.e.
 * by path, never by readiness) and the bucket cap, so every rank computes the same layout (invariant 5).
 *
 * <p>Rule: tensors are taken in the given order. Each dtype has at most one open bucket. A tensor joins
 * its dtype's open bucket if the bucket stays within the cap; otherwise that bucket is closed and the
 * tensor opens a new one. A tensor larger than the cap gets a bucket of its own. Buckets are numbered by
 * the position of their first tensor; within a bucket tensors keep the given order.
 */
public final class BucketLayout {
    private final long capBytes;
    private final List<Bucket> buckets;
    private final Map<String, Placement> placements;

    /** Where a tensor lives: its bucket and its element offset in that bucket. */
    public record Placement(int bucket, long offset) {}

    private BucketLayout(long capBytes, List<Bucket> buckets) {
        this.capBytes = capBytes;
        this.buckets = List.copyOf(buckets);
        Map<String, Placement> byPath = new HashMap<>();
        for (Bucket b : this.buckets) {
            for (Bucket.Member m : b.members()) {
                byPath.put(m.tensor().path(), new Placement(b.index(), m.offset()));
            }
        }
        this.placements = Map.copyOf(byPath);
    }

    public static BucketLayout of(List<TensorSpec> tensors, long capBytes) {
        Objects.requireNonNull(tensors, "tensors");
        if (capBytes < 1) {
            throw new IllegalArgumentException("bucket cap must be >= 1 byte, got " + capBytes);
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < tensors.size(); i++) {
            TensorSpec t = Objects.requireNonNull(tensors.get(i), "tensor " + i);
            Integer earlier = seen.putIfAbsent(t.path(), i);
            if (earlier != null) {
                throw new IllegalArgumentException(
                        "tensor path " + t.path() + " appears twice (positions " + earlier + " and " + i + ")");
            }
        }
        // Each group is a list of tensors; its first tensor's position orders the buckets.
        List<List<TensorSpec>> groups = new ArrayList<>();
        Map<DType, List<TensorSpec>> open = new EnumMap<>(DType.class);
        Map<DType, Long> openBytes = new EnumMap<>(DType.class);
        for (TensorSpec t : tensors) {
            long bytes = t.byteSize();
            List<TensorSpec> current = open.get(t.dtype());
            if (current != null && openBytes.get(t.dtype()) + bytes > capBytes) {
                open.remove(t.dtype());
                current = null;
            }
            if (bytes > capBytes) {
                groups.add(List.of(t));
                continue;
            }
            if (current == null) {
                current = new ArrayList<>();
                groups.add(current);
                open.put(t.dtype(), current);
                openBytes.put(t.dtype(), 0L);
            }
            current.add(t);
            openBytes.put(t.dtype(), openBytes.get(t.dtype()) + bytes);
        }
        List<Bucket> buckets = new ArrayList<>(groups.size());
        for (List<TensorSpec> group : groups) {
            List<Bucket.Member> members = new ArrayList<>(group.size());
            long offset = 0;
            for (TensorSpec t : group) {
                members.add(new Bucket.Member(t, offset));
                offset += t.elements();
            }
            buckets.add(new Bucket(buckets.size(), group.get(0).dtype(), members, offset));
        }
        return new BucketLayout(capBytes, buckets);
    }

    public long capBytes() {
        return capBytes;
    }

    public List<Bucket> buckets() {
        return buckets;
    }

    /** The tensor's bucket and offset; an unknown path is an {@link IllegalArgumentException}. */
    public Placement placement(String path) {
        Placement p = placements.get(path);
        if (p == null) {
            throw new IllegalArgumentException("tensor " + path + " is not in the bucket layout");
        }
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BucketLayout other && capBytes == other.capBytes && buckets.equals(other.buckets);
    }

    @Override
    public int hashCode() {
        return Objects.hash(capBytes, buckets);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("BucketLayout[cap=").append(capBytes).append(" B");
        for (Bucket b : buckets) {
            sb.append(", ").append(b.index()).append(':').append(b.dtype()).append('{');
            for (int i = 0; i < b.members().size(); i++) {
                Bucket.Member m = b.members().get(i);
                sb.append(i == 0 ? "" : ", ").append(m.tensor().path()).append('@').append(m.offset());
            }
            sb.append('}');
        }
        return sb.append(']').toString();
    }
}
