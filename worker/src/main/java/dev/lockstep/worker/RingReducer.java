package dev.lockstep.worker;

import dev.lockstep.collective.CollectiveException;
import dev.lockstep.collective.CollectiveOptions;
import dev.lockstep.collective.Transport;
import dev.lockstep.device.Buffer;
import dev.lockstep.device.Replicas;
import dev.lockstep.tensor.DType;
import java.nio.ByteBuffer;
import dev.lockstep.estimator.GradientReducer;
import dev.lockstep.estimator.TrainingState;
import dev.lockstep.nn.StepLayout;
import dev.lockstep.tensor.HostTensor;
import java.util.List;
import java.util.Map;

/**
 * The reducer a worker's estimator is built with before the ring exists (the model is traced, and its
 * fingerprint reported, first): a {@link CollectiveReducer} over the transport once it has joined.
 * {@link #abort} cuts a reduce that waits on a peer the coordinator has declared dead.
 */
final class RingReducer implements GradientReducer, ReduceStats, AutoCloseable {
    private final CollectiveOptions options;
    private final long bucketBytes;
    private final int worldSize;
    private volatile Transport transport;
    private volatile CollectiveReducer delegate;
    private volatile String abortedBecause;

    RingReducer(CollectiveOptions options, long bucketBytes, int worldSize) {
        this.options = options;
        this.bucketBytes = bucketBytes;
        this.worldSize = worldSize;
    }

    /** Known from registration, before the ring: the gradient program is compiled for it. */
    @Override
    public Replicas replicas() {
        return new Replicas() {
            @Override
            public int count() {
                return worldSize;
            }

            @Override
            public void sum(int op, DType dtype, ByteBuffer data) {
                reducer().replicas().sum(op, dtype, data);
            }
        };
    }

    void join(Transport t) {
        transport = t;
        delegate = new CollectiveReducer(t, options, bucketBytes);
        if (abortedBecause != null) {
            abort(abortedBecause);
        }
    }

    /** Fails every wait of the current and later reduces with {@code reason}; the peers learn it too. */
    void abort(String reason) {
        abortedBecause = reason;
        Transport t = transport;
        if (t != null) {
            t.abort(new CollectiveException(CollectiveException.Kind.CLOSED, t.rank(), t.address(t.rank()), reason));
        }
    }

    private CollectiveReducer reducer() {
        CollectiveReducer d = delegate;
        if (d == null) {
            throw new IllegalStateException("the worker has not joined its ring yet");
        }
        return d;
    }

    @Override
    public void reduce(StepLayout layout, List<Buffer> payload) {
        reducer().reduce(layout, payload);
    }

    @Override
    public Pending begin(StepLayout layout, List<Buffer> payload) {
        return reducer().begin(layout, payload);
    }

    @Override
    public void close() {
        CollectiveReducer d = delegate;
        if (d != null) {
            d.close();
        }
    }

    @Override
    public TrainingState startFromChief(TrainingState state) {
        return reducer().startFromChief(state);
    }

    @Override
    public double lastSeconds() {
        CollectiveReducer d = delegate;
        return d == null ? 0 : d.lastReduceSeconds();
    }

    @Override
    public long lastBytes() {
        CollectiveReducer d = delegate;
        return d == null ? 0 : d.lastReduceBytes();
    }

    @Override
    public int worldSize() {
        return worldSize;
    }
}
