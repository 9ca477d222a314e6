package dev.lockstep.worker;

import dev.lockstep.collective.Bucket;
import dev.lockstep.collective.BucketLayout;
import dev.lockstep.device.Buffer;
import dev.lockstep.nn.Port;
import dev.lockstep.tensor.HostTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Host memory for one step layout's payload, allocated once and reused every step: one little-endian
 * buffer per bucket, which the all-reduce sums in place (so it needs no fusion copy of its own), a
 * typed view of each payload entry's slice of its bucket, and one host tensor per entry that the sums
 * are written back from. The device API copies out only into a new host tensor ({@link Buffer#toHost}),
 * so that array is the one allocation per entry and step.
 */
final class HostStaging {
    private final List<Port> ports;
    private final BucketLayout buckets;
    private final List<ByteBuffer> bucketBuffers = new ArrayList<>();
    /** Per payload entry: its slice of its bucket as a Float-, Double-, Int- or LongBuffer. */
    private final List<java.nio.Buffer> views = new ArrayList<>();
    private final List<HostTensor> sums = new ArrayList<>();

    HostStaging(List<Port> ports, BucketLayout buckets) {
        this.ports = List.copyOf(ports);
        this.buckets = buckets;
        for (Bucket b : buckets.buckets()) {
            bucketBuffers.add(ByteBuffer.allocate(Math.toIntExact(b.byteSize())).order(ByteOrder.LITTLE_ENDIAN));
        }
        for (Port p : this.ports) {
            BucketLayout.Placement at = buckets.placement(p.name());
            int elements = Math.toIntExact(p.type().shape().size());
            int size = CollectiveReducer.hostDType(p).byteSize();
            ByteBuffer slice = bucketBuffers.get(at.bucket())
                    .slice(Math.toIntExact(at.offset() * size), elements * size).order(ByteOrder.LITTLE_ENDIAN);
            views.add(switch (CollectiveReducer.hostDType(p)) {
                case F32 -> slice.asFloatBuffer();
                case F64 -> slice.asDoubleBuffer();
                case I32 -> slice.asIntBuffer();
                case I64 -> slice.asLongBuffer();
                default -> throw new IllegalStateException("no host view for " + p);
            });
            sums.add(HostTensor.zeros(p.type()));
        }
    }

    BucketLayout buckets() {
        return buckets;
    }

    ByteBuffer bucket(int index) {
        return bucketBuffers.get(index);
    }

    /** Copies every payload buffer into its place in the bucket buffers. */
    void load(List<Buffer> payload) {
        if (payload.size() != ports.size()) {
            throw new IllegalArgumentException("got " + payload.size() + " payload buffers, the step layout has "
                    + ports.size() + ": " + ports);
        }
        for (int i = 0; i < ports.size(); i++) {
            HostTensor h = payload.get(i).toHost();
            if (!h.type().equals(ports.get(i).type())) {
                throw new IllegalArgumentException("payload buffer " + i + " is " + h.type() + " but the layout has "
                        + ports.get(i));
            }
            switch (views.get(i)) {
                case FloatBuffer v -> v.put(0, (float[]) h.array());
                case DoubleBuffer v -> v.put(0, (double[]) h.array());
                case IntBuffer v -> v.put(0, (int[]) h.array());
                case LongBuffer v -> v.put(0, (long[]) h.array());
                default -> throw new IllegalStateException();
            }
        }
    }

    /** Writes the summed bucket contents back into the payload's device buffers. */
    void store(List<Buffer> payload) {
        for (int i = 0; i < ports.size(); i++) {
            HostTensor sum = sums.get(i);
            switch (views.get(i)) {
                case FloatBuffer v -> v.get(0, (float[]) sum.array());
                case DoubleBuffer v -> v.get(0, (double[]) sum.array());
                case IntBuffer v -> v.get(0, (int[]) sum.array());
                case LongBuffer v -> v.get(0, (long[]) sum.array());
                default -> throw new IllegalStateException();
            }
            payload.get(i).copyFrom(sum);
        }
    }
}
