package dev.lockstep.worker;

import dev.lockstep.proto.v1.HeartbeatRequest;
import dev.lockstep.proto.v1.HeartbeatResponse;
import dev.lockstep.proto.v1.Membership;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The worker's heartbeat thread: tells the coordinator every interval which step this rank has
 * finished, brings the ring once every rank is ready, and turns the coordinator's STOP or RESTART (or
 * the coordinator going silent for longer than {@code coordinatorDeadline}) into a {@link Signal},
 * handed once to {@code onSignal} so a reduce waiting on a dead peer is cut at once.
 */
final class Heartbeats implements AutoCloseable {
    /** Why this attempt ends early. */
    record Signal(Kind kind, String reason) {
        enum Kind { STOP, RESTART, COORDINATOR_LOST }
    }

    private final CoordinatorLink link;
    private final String jobId;
    private final int rank;
    private final Duration interval;
    private final Duration coordinatorDeadline;
    private final Consumer<Signal> onSignal;
    private final AtomicReference<Signal> signal = new AtomicReference<>();
    private final AtomicReference<Membership> membership = new AtomicReference<>();
    private final Thread thread;
    private volatile long epoch;
    private volatile long step;
    private volatile boolean closed;

    Heartbeats(CoordinatorLink link, String jobId, int rank, Membership initial, Duration interval,
               Duration coordinatorDeadline, Consumer<Signal> onSignal) {
        this.link = link;
        this.jobId = jobId;
        this.rank = rank;
        this.interval = interval;
        this.coordinatorDeadline = coordinatorDeadline;
        this.onSignal = onSignal;
        this.epoch = initial.getEpoch();
        this.membership.set(initial);
        this.thread = Thread.ofPlatform().daemon().name("lockstep-heartbeat-rank-" + rank).start(this::loop);
    }

    void step(long finished) {
        step = finished;
    }

    /** The newest membership seen (its ring is empty until every rank is ready). */
    Membership membership() {
        return membership.get();
    }

    void adopt(Membership m) {
        if (m.getRingCount() > 0) {
            epoch = m.getEpoch();
        }
        membership.set(m);
    }

    long epoch() {
        return epoch;
    }

    Optional<Signal> signal() {
        return Optional.ofNullable(signal.get());
    }

    /** Asks once, now (the thread keeps its own rhythm); for a caller waiting for the job's decision. */
    Optional<Signal> pollNow() {
        beat();
        return signal();
    }

    private void loop() {
        long lastHeard = System.nanoTime();
        while (!closed && signal.get() == null) {
            if (beat()) {
                lastHeard = System.nanoTime();
            } else if (System.nanoTime() - lastHeard > coordinatorDeadline.toNanos()) {
                raise(new Signal(Signal.Kind.COORDINATOR_LOST, "the coordinator at " + link.address()
                        + " has not answered a heartbeat for " + coordinatorDeadline.toSeconds() + " s"));
            }
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One heartbeat; false when the coordinator could not be reached. */
    private synchronized boolean beat() {
        if (closed || signal.get() != null) {
            return true;
        }
        HeartbeatResponse r;
        try {
            r = link.heartbeat(HeartbeatRequest.newBuilder().setJobId(jobId).setRank(rank).setEpoch(epoch)
                    .setStep(step).build());
        } catch (WorkerException e) {
            if (!e.refused()) {
                return false; // unreachable or failing inside: counts toward the coordinator's deadline
            }
            // Refused (an epoch the job has left, a rank it no longer has): this attempt is over.
            raise(new Signal(Signal.Kind.RESTART, e.getMessage()));
            return true;
        }
        adopt(r.getMembership());
        switch (r.getAction()) {
            case STOP -> raise(new Signal(Signal.Kind.STOP, r.getReason()));
            case RESTART -> raise(new Signal(Signal.Kind.RESTART, r.getReason()));
            default -> { }
        }
        return true;
    }

    private void raise(Signal s) {
        if (signal.compareAndSet(null, s)) {
            onSignal.accept(s);
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(Math.max(1000, 2 * link.timeoutMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
