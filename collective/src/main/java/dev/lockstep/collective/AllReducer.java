package dev.lockstep.collective;

import dev.lockstep.tensor.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * In-place sum of buckets across the ranks of a {@link Transport}. Every rank must call it with the same
 * buckets in the same order (the bucket layout fixes that order); the result is bitwise identical on all
 * ranks and depends only on the inputs and the world size (see {@link RingSchedule} and
 * {@link HalvingDoublingSchedule} for the summation order each uses, {@link #algorithmFor} for which).
 *
 * <p>Calls are serialised; after a {@link CollectiveException} close the transport.
 */
public final class AllReducer {
    public enum Algorithm { NONE, RING, HALVING_DOUBLING }

    /** Parts of the ring's first step sent ahead of the parts received (see {@code Run.ring}). */
    private static final int RING_SEND_AHEAD = 4;

    private final Transport transport;
    private final CollectiveOptions options;
    private final Map<Integer, ByteBuffer> fusionBuffers = new HashMap<>();
    private long nextOperation;

    public AllReducer(Transport transport, CollectiveOptions options) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Which schedule a bucket of {@code bytes} uses on {@code worldSize} ranks: a pure function. */
    public static Algorithm algorithmFor(int worldSize, long bytes, CollectiveOptions options) {
        if (worldSize == 1) {
            return Algorithm.NONE;
        }
        return HalvingDoublingSchedule.supports(worldSize) && bytes <= options.halvingDoublingMaxBytes()
                ? Algorithm.HALVING_DOUBLING
                : Algorithm.RING;
    }

    /**
     * Sums every tensor of {@code layout} across ranks, in place. {@code tensors} maps each path of the
     * layout to a buffer holding its elements (little-endian, from position to limit). Tensors that share
     * a bucket are packed into a fusion buffer kept for the next call; a bucket of one tensor is reduced in
     * that tensor's buffer directly.
     */
    public synchronized void reduce(BucketLayout layout, Map<String, ByteBuffer> tensors) {
        int expected = 0;
        for (Bucket b : layout.buckets()) {
            expected += b.members().size();
            for (Bucket.Member m : b.members()) {
                ByteBuffer buf = tensors.get(m.tensor().path());
                if (buf == null) {
                    throw new IllegalArgumentException("no buffer for tensor " + m.tensor().path());
                }
                if (buf.remaining() != m.tensor().byteSize()) {
                    throw new IllegalArgumentException("tensor " + m.tensor().path() + ": buffer has "
                            + buf.remaining() + " bytes, the layout expects " + m.tensor().byteSize()
                            + " (" + m.tensor().elements() + " × " + m.tensor().dtype() + ")");
                }
            }
        }
        if (tensors.size() != expected) {
            throw new IllegalArgumentException("got " + tensors.size() + " tensors, the layout has " + expected);
        }
        for (Bucket b : layout.buckets()) {
            if (b.members().size() == 1) {
                reduceBucket(b.index(), b.dtype(), tensors.get(b.members().get(0).tensor().path()));
                continue;
            }
            ByteBuffer fusion = fusionBuffer(b);
            for (Bucket.Member m : b.members()) {
                ByteBuffer src = tensors.get(m.tensor().path());
                fusion.put(Math.toIntExact(m.byteOffset()), src, src.position(), src.remaining());
            }
            reduceBucket(b.index(), b.dtype(), fusion);
            for (Bucket.Member m : b.members()) {
                ByteBuffer dst = tensors.get(m.tensor().path());
                dst.put(dst.position(), fusion, Math.toIntExact(m.byteOffset()), dst.remaining());
            }
        }
    }

    /**
     * Sums one bucket, in place: the elements of {@code dtype} from {@code data}'s position to its limit
     * (little-endian). {@code bucket} names it in messages and errors.
     */
    public synchronized void reduceBucket(int bucket, DType dtype, ByteBuffer data) {
        Reduction reduction = Reduction.of(dtype);
        int size = dtype.byteSize();
        if (data.remaining() % size != 0) {
            throw new IllegalArgumentException("bucket " + bucket + ": " + data.remaining()
                    + " bytes is not a whole number of " + dtype + " elements");
        }
        long operation = nextOperation++;
        ByteBuffer view = data.slice().order(ByteOrder.LITTLE_ENDIAN);
        long elements = view.remaining() / size;
        int n = transport.worldSize();
        switch (algorithmFor(n, view.remaining(), options)) {
            case NONE -> { }
            case RING -> new Run(operation, bucket, size, reduction, view).ring(RingSchedule.of(n, elements));
            case HALVING_DOUBLING -> new Run(operation, bucket, size, reduction, view)
                    .halvingDoubling(HalvingDoublingSchedule.of(n, elements));
        }
    }

    private ByteBuffer fusionBuffer(Bucket b) {
        ByteBuffer buf = fusionBuffers.get(b.index());
        if (buf == null || buf.capacity() != b.byteSize()) {
            buf = ByteBuffer.allocate(Math.toIntExact(b.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
            fusionBuffers.put(b.index(), buf);
        }
        return buf;
    }

    /** One bucket's all-reduce on this rank. */
    private final class Run {
        private final long operation;
        private final int bucket;
        private final int size;
        private final Reduction reduction;
        private final ByteBuffer data;

        Run(long operation, int bucket, int size, Reduction reduction, ByteBuffer data) {
            this.operation = operation;
            this.bucket = bucket;
            this.size = size;
            this.reduction = reduction;
            this.data = data;
        }

        void ring(RingSchedule s) {
            int rank = transport.rank();
            int right = s.sendTo(rank);
            int left = s.receiveFrom(rank);
            int step = 0;
            try {
                // Step 0's parts go out a few ahead of what has arrived, so the link stays busy while
                // this rank reduces, yet at most RING_SEND_AHEAD parts per step wait in the transport.
                List<ChunkRange> first = parts(s.chunk(s.sendChunk(rank, 0)));
                for (int p = 0; p < Math.min(RING_SEND_AHEAD, first.size()); p++) {
                    sendPart(right, 0, p, first.get(p));
                }
                for (; step < s.steps(); step++) {
                    // The chunk received at step t is the one sent at step t+1: forward each part on arrival.
                    List<ChunkRange> parts = parts(s.chunk(s.receiveChunk(rank, step)));
                    for (int p = 0; p < parts.size(); p++) {
                        receivePart(left, step, p, parts.get(p), s.reduces(step));
                        // Chunks differ by at most one element, so first.size() <= parts.size() + 1 and
                        // this sends every remaining step-0 part.
                        if (step == 0 && p + RING_SEND_AHEAD < first.size()) {
                            sendPart(right, 0, p + RING_SEND_AHEAD, first.get(p + RING_SEND_AHEAD));
                        }
                        if (step + 1 < s.steps()) {
                            sendPart(right, step + 1, p, parts.get(p));
                        }
                    }
                }
            } catch (CollectiveException e) {
                throw e.during(describe(step, s.steps(), "ring"));
            }
        }

        void halvingDoubling(HalvingDoublingSchedule s) {
            int rank = transport.rank();
            int step = 0;
            try {
                for (; step < s.steps(); step++) {
                    HalvingDoublingSchedule.Step st = s.step(rank, step);
                    sendParts(st.partner(), step, st.send());
                    List<ChunkRange> parts = parts(st.receive());
                    for (int p = 0; p < parts.size(); p++) {
                        receivePart(st.partner(), step, p, parts.get(p), st.reduce());
                    }
                }
            } catch (CollectiveException e) {
                throw e.during(describe(step, s.steps(), "halving/doubling"));
            }
        }

        private String describe(int step, int steps, String algorithm) {
            return "all-reduce step " + step + " of bucket " + bucket + " (" + algorithm + ", " + steps
                    + " steps, world size " + transport.worldSize() + ", rank " + transport.rank() + ")";
        }

        private List<ChunkRange> parts(ChunkRange range) {
            return Chunks.parts(range, size, options.partBytes());
        }

        private void sendParts(int to, int step, ChunkRange range) {
            List<ChunkRange> parts = parts(range);
            for (int p = 0; p < parts.size(); p++) {
                sendPart(to, step, p, parts.get(p));
            }
        }

        private void sendPart(int to, int step, int part, ChunkRange range) {
            ByteBuffer slice = data.slice(Math.toIntExact(range.start() * size), Math.toIntExact(range.length() * size));
            transport.send(to, new ChunkTag(operation, bucket, step, part), slice, options.stepTimeout());
        }

        private void receivePart(int from, int step, int part, ChunkRange range, boolean add) {
            ChunkTag tag = new ChunkTag(operation, bucket, step, part);
            ByteBuffer got = transport.receive(from, tag, options.stepTimeout());
            int bytes = Math.toIntExact(range.length() * size);
            if (got.remaining() != bytes) {
                throw new CollectiveException(CollectiveException.Kind.PROTOCOL, from, transport.address(from),
                        "rank " + from + " (" + transport.address(from) + ") sent " + got.remaining()
                                + " bytes for " + tag + ", expected " + bytes
                                + " (do all ranks use the same bucket layout and part size?)");
            }
            int at = Math.toIntExact(range.start() * size);
            if (add) {
                reduction.add(data, at, got, Math.toIntExact(range.length()));
            } else {
                data.put(at, got, got.position(), bytes);
            }
            transport.release(got);
        }
    }
}
