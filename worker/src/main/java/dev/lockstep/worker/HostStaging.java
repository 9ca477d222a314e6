package dev.lockstep.worker;

import dev.lockstep.collective.Bucket;
import dev.lockstep.collective.BucketLayout;
import dev.lockstep.device.Buffer;
import dev.lockstep.nn.Port;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Host memory for one step layout's payload, allocated once and reused every step: one little-endian
 * buffer per bucket, which the all-reduce sums in place (so it needs no fusion copy of its own), a
 * byte slice of each payload entry's place in its bucket, which the device copies into and back out of
 * ({@link Buffer#copyTo}, {@link Buffer#copyFrom}: one copy each way on the {@code cpu} device, no host
 * array in between).
 */
final class HostStaging {
    private final List<Port> ports;
    private final BucketLayout buckets;
    private final List<ByteBuffer> bucketBuffers = new ArrayList<>();
    /** Per payload entry: its slice of its bucket (little-endian bytes in the host representation). */
    private final List<ByteBuffer> slices = new ArrayList<>();
    /** Per payload entry: the bucket it is placed in. */
    private final int[] bucketOf;

    HostStaging(List<Port> ports, BucketLayout buckets) {
        this.ports = List.copyOf(ports);
        this.buckets = buckets;
        for (Bucket b : buckets.buckets()) {
            bucketBuffers.add(ByteBuffer.allocate(Math.toIntExact(b.byteSize())).order(ByteOrder.LITTLE_ENDIAN));
        }
        this.bucketOf = new int[this.ports.size()];
        for (Port p : this.ports) {
            BucketLayout.Placement at = buckets.placement(p.name());
            bucketOf[slices.size()] = at.bucket();
            int elements = Math.toIntExact(p.type().shape().size());
            int size = CollectiveReducer.hostDType(p).byteSize();
            ByteBuffer slice = bucketBuffers.get(at.bucket())
                    .slice(Math.toIntExact(at.offset() * size), elements * size).order(ByteOrder.LITTLE_ENDIAN);
            slices.add(slice);
        }
    }

    BucketLayout buckets() {
        return buckets;
    }

    ByteBuffer bucket(int index) {
        return bucketBuffers.get(index);
    }

    /** The bucket payload entry {@code entry} is placed in. */
    int bucketOf(int entry) {
        return bucketOf[entry];
    }

    /** Checks that {@code payload} matches the layout, entry by entry, naming the first that does not. */
    void check(List<Buffer> payload) {
        if (payload.size() != ports.size()) {
            throw new IllegalArgumentException("got " + payload.size() + " payload buffers, the step layout has "
                    + ports.size() + ": " + ports);
        }
        for (int i = 0; i < ports.size(); i++) {
            Buffer b = payload.get(i);
            if (!b.type().equals(ports.get(i).type())) {
                throw new IllegalArgumentException("payload buffer " + i + " is " + b.type() + " but the layout has "
                        + ports.get(i));
            }
        }
    }

    /** Copies every payload buffer into its place in the bucket buffers. */
    void load(List<Buffer> payload) {
        check(payload);
        for (int i = 0; i < ports.size(); i++) {
            load(i, payload.get(i));
        }
    }

    /** Copies one payload entry into its place: one copy, device memory to bucket, where the device can. */
    void load(int entry, Buffer b) {
        b.copyTo(slices.get(entry));
    }

    /** Writes the summed bucket contents back into the payload's device buffers. */
    void store(List<Buffer> payload) {
        for (int i = 0; i < ports.size(); i++) {
            payload.get(i).copyFrom(slices.get(i));
        }
    }
}
