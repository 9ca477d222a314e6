package dev.lockstep.worker;

import dev.lockstep.collective.AllReducer;
import dev.lockstep.collective.Bucket;
import dev.lockstep.collective.BucketLayout;
import dev.lockstep.collective.CollectiveException;
import dev.lockstep.collective.CollectiveOptions;
import dev.lockstep.collective.TensorSpec;
import dev.lockstep.collective.Transport;
import dev.lockstep.device.Buffer;
import dev.lockstep.estimator.GradientReducer;
import dev.lockstep.estimator.TrainingState;
import dev.lockstep.nn.Port;
import dev.lockstep.nn.StepLayout;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.device.Replicas;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Step 3 of DESIGN.md across workers: sums a step's reduce payload over every rank of a
 * {@link Transport} with an {@link AllReducer}. The payload is laid out once per {@link StepLayout}
 * into buckets by {@link #bucketLayout} (payload order, never readiness: invariant 5); each step copies
 * the device buffers into host staging buffers allocated for that layout, all-reduces every bucket in
 * its staging buffer and writes the sums back to the device buffers. Every rank ends with bitwise
 * identical sums (invariant 3).
 *
 * <p>A collective failure aborts the transport (so the peers learn why and name the culprit) and
 * becomes a {@link ReduceFailedException} naming this rank, the bucket and the peer; the step runner
 * then commits nothing. The reducer is not usable afterwards: the job restarts from a checkpoint. The
 * caller owns the transport and closes it.
 */
public final class CollectiveReducer implements GradientReducer, AutoCloseable {
    /** Default bucket cap: large enough that a small model's payload is one or two buckets. */
    public static final long DEFAULT_BUCKET_CAP_BYTES = 4L << 20;

    /** Bucket ids of the gradient program's own all-reduces start here, apart from the payload's. */
    static final int IN_PROGRAM_BUCKETS = 1 << 20;

    private final Transport transport;
    private final AllReducer allReducer;
    /**
     * The gradient program's all-reduces ({@code batch_norm: sync}): its own operation numbers and
     * bucket ids, so they never match the payload's chunks, which the collective thread may be summing
     * at the same time.
     */
    private final AllReducer inProgram;
    private final Replicas replicas;
    private final long bucketCapBytes;
    private StepLayout stagedFor;
    private HostStaging staging;
    private ReduceFailedException failure;
    private double lastSeconds;
    private long lastBytes;
    /** Runs overlapped reduces; its one thread ends when idle, so an abandoned reducer holds none. */
    private final ThreadPoolExecutor collectiveThread;

    public CollectiveReducer(Transport transport, CollectiveOptions options) {
        this(transport, options, DEFAULT_BUCKET_CAP_BYTES);
    }

    public CollectiveReducer(Transport transport, CollectiveOptions options, long bucketCapBytes) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.allReducer = new AllReducer(transport, Objects.requireNonNull(options, "options"));
        this.inProgram = new AllReducer(transport, options);
        this.replicas = new Replicas() {
            @Override
            public int count() {
                return transport.worldSize();
            }

            @Override
            public void sum(int op, DType dtype, ByteBuffer data) {
                requireUsable();
                try {
                    inProgram.reduceBucket(IN_PROGRAM_BUCKETS + op, dtype, data);
                } catch (CollectiveException e) {
                    failure = new ReduceFailedException(rank(), worldSize(), "all_reduce " + op
                            + " of the gradient program (batch statistics under batch_norm: sync)", e);
                    transport.abort(e);
                    throw failure;
                }
            }
        };
        if (bucketCapBytes < 1) {
            throw new IllegalArgumentException("bucketCapBytes must be >= 1, got " + bucketCapBytes);
        }
        this.bucketCapBytes = bucketCapBytes;
        this.collectiveThread = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "lockstep-allreduce-rank-" + transport.rank());
            t.setDaemon(true);
            return t;
        });
        collectiveThread.allowCoreThreadTimeOut(true);
    }

    /**
     * The buckets of {@code layout}'s payload: a pure function of the payload ports (graph name, host
     * element type, element count, in payload order) and the cap, so every rank computes the same one.
     * bf16 and f16 entries are summed as f32, their host representation, and rounded once by the device.
     */
    public static BucketLayout bucketLayout(StepLayout layout, long capBytes) {
        List<TensorSpec> specs = new ArrayList<>(layout.payload().size());
        for (Port p : layout.payload()) {
            specs.add(new TensorSpec(p.name(), hostDType(p), p.type().shape().size()));
        }
        return BucketLayout.of(specs, capBytes);
    }

    static DType hostDType(Port p) {
        return switch (p.type().dtype()) {
            case F32, BF16, F16 -> DType.F32;
            case F64 -> DType.F64;
            case I32 -> DType.I32;
            case I64 -> DType.I64;
            case BOOL -> throw new IllegalArgumentException("payload entry " + p + " is bool, which has no sum; "
                    + "only numeric tensors can be reduced across workers");
        };
    }

    public int rank() {
        return transport.rank();
    }

    public int worldSize() {
        return transport.worldSize();
    }

    @Override
    public void reduce(StepLayout layout, List<Buffer> payload) {
        requireUsable();
        long t0 = System.nanoTime();
        HostStaging s = staging(layout);
        s.load(payload);
        for (Bucket b : s.buckets().buckets()) {
            try {
                allReducer.reduceBucket(b.index(), b.dtype(), s.bucket(b.index()));
            } catch (CollectiveException e) {
                failure = new ReduceFailedException(rank(), worldSize(), b, s.buckets().buckets().size(), e);
                transport.abort(e);
                throw failure;
            }
        }
        s.store(payload);
        lastSeconds = (System.nanoTime() - t0) / 1e9;
        lastBytes = s.buckets().buckets().stream().mapToLong(Bucket::byteSize).sum();
    }

    /** The gradient program's all-reduces sum over this reducer's ranks, on the executing thread. */
    @Override
    public Replicas replicas() {
        return replicas;
    }

    /**
     * The overlapped form of {@link #reduce}: buckets are summed, last first, as soon as the device has
     * finished their entries, on this reducer's collective thread (see {@link OverlappedReduce}).
     */
    @Override
    public Pending begin(StepLayout layout, List<Buffer> payload) {
        requireUsable();
        HostStaging s = staging(layout);
        int buckets = s.buckets().buckets().size();
        long[] reducingNanos = {0};
        OverlappedReduce.BucketReduction sum = b -> {
            long from = System.nanoTime();
            allReducer.reduceBucket(b.index(), b.dtype(), s.bucket(b.index()));
            reducingNanos[0] += System.nanoTime() - from;
        };
        OverlappedReduce.Failure fail = (b, e) -> {
            if (e instanceof CollectiveException ce) {
                failure = new ReduceFailedException(rank(), worldSize(), b, buckets, ce);
                transport.abort(ce);
                return failure;
            }
            CollectiveException gaveUp = new CollectiveException(CollectiveException.Kind.CLOSED, rank(),
                    transport.address(rank()), "rank " + rank() + " gave up its step: " + e.getMessage());
            failure = new ReduceFailedException(rank(), worldSize(), b, buckets, gaveUp);
            transport.abort(gaveUp);
            return e;
        };
        OverlappedReduce reduce = new OverlappedReduce(s, payload, sum, fail, collectiveThread);
        return new Pending() {
            @Override
            public void ready(int entry) {
                reduce.ready(entry);
            }

            @Override
            public void finish() {
                reduce.finish();
                // The collective's own time (for bus bandwidth); the step's wait for it is the runner's split.
                lastSeconds = reducingNanos[0] / 1e9;
                lastBytes = s.buckets().buckets().stream().mapToLong(Bucket::byteSize).sum();
            }

            @Override
            public void abandon(RuntimeException cause) {
                reduce.abandon(cause);
            }
        };
    }

    /** Stops the collective thread (it also ends by itself when idle). The transport is the caller's. */
    @Override
    public void close() {
        collectiveThread.shutdownNow();
    }

    /**
     * Rank 0's training state on every rank (see {@link ChiefValues}); a failure aborts the transport and
     * names this rank, as a failed step does.
     */
    @Override
    public TrainingState startFromChief(TrainingState state) {
        requireUsable();
        try {
            return ChiefValues.broadcast(allReducer, rank(), state, bucketCapBytes);
        } catch (CollectiveException e) {
            failure = new ReduceFailedException(rank(), worldSize(), "the start values from rank 0", e);
            transport.abort(e);
            throw failure;
        }
    }

    /** Seconds the last {@link #reduce} spent, and its bytes (this rank's payload). */
    public double lastReduceSeconds() {
        return lastSeconds;
    }

    public long lastReduceBytes() {
        return lastBytes;
    }

    private void requireUsable() {
        if (failure != null) {
            throw new IllegalStateException("rank " + rank() + " of " + worldSize() + ": this reducer's transport "
                    + "was aborted after an earlier failure (" + failure.getMessage() + "); restart the job from "
                    + "its checkpoint", failure);
        }
    }

    private HostStaging staging(StepLayout layout) {
        if (stagedFor != layout) {
            staging = new HostStaging(layout.payload(), bucketLayout(layout, bucketCapBytes));
            stagedFor = layout;
        }
        return staging;
    }
}
