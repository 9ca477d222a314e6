package dev.lockstep.coordinator;

import dev.lockstep.proto.v1.JobEvent;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * One job's log: the newest {@link #CAPACITY} events, numbered from 1, and the Watch streams that follow
 * it. An append pushes the event to every follower at once (nothing waits on a stream); the event that
 * carries the job's final status completes every stream. Has its own lock, taken after the coordinator's
 * (never the other way), so a stream's cancel handler can remove it without the coordinator's lock.
 */
final class EventLog {
    static final int CAPACITY = 10_000;

    private final int capacity;
    private final Deque<JobEvent> events = new ArrayDeque<>();
    private final List<StreamObserver<JobEvent>> followers = new ArrayList<>();
    private long nextSeq = 1;
    private boolean ended;

    EventLog() {
        this(CAPACITY);
    }

    EventLog(int capacity) {
        this.capacity = capacity;
    }

    /** Numbers {@code event}, keeps it (dropping the oldest beyond the capacity) and sends it to every follower. */
    synchronized JobEvent append(JobEvent.Builder event) {
        if (ended) {
            throw new IllegalStateException("the log of a job that ended takes no event: " + event.getLine());
        }
        JobEvent e = event.setSeq(nextSeq++).build();
        events.addLast(e);
        if (events.size() > capacity) {
            events.removeFirst();
        }
        for (StreamObserver<JobEvent> f : List.copyOf(followers)) {
            send(f, e);
        }
        if (e.hasFinalStatus()) {
            ended = true;
            followers.forEach(EventLog::complete);
            followers.clear();
        }
        return e;
    }

    synchronized boolean ended() {
        return ended;
    }

    /**
     * Sends the kept events from {@code fromSeq} on; with {@code follow} and a job that has not ended the
     * stream then stays open for new events (until the job ends or the client cancels), otherwise it completes.
     */
    synchronized void watch(long fromSeq, boolean follow, StreamObserver<JobEvent> out) {
        ServerCallStreamObserver<JobEvent> call = out instanceof ServerCallStreamObserver<JobEvent> c ? c : null;
        if (call != null) {
            // Set before the first onNext: with a handler, sending to a cancelled call is a no-op, not an exception.
            call.setOnCancelHandler(() -> remove(out));
        }
        for (JobEvent e : events) {
            if (e.getSeq() >= fromSeq) {
                out.onNext(e);
            }
        }
        if (!follow || ended) {
            out.onCompleted();
        } else if (call == null || !call.isCancelled()) {
            followers.add(out);
        }
    }

    /** Ends every open stream with UNAVAILABLE: the coordinator is shutting down. */
    synchronized void closeStreams(String why) {
        for (StreamObserver<JobEvent> f : followers) {
            try {
                f.onError(Status.UNAVAILABLE.withDescription(why).asRuntimeException());
            } catch (RuntimeException e) {
                // already cancelled: nothing to tell it
            }
        }
        followers.clear();
    }

    synchronized int followers() {
        return followers.size();
    }

    synchronized List<JobEvent> snapshot() {
        return List.copyOf(events);
    }

    private synchronized void remove(StreamObserver<JobEvent> out) {
        followers.remove(out);
    }

    private void send(StreamObserver<JobEvent> f, JobEvent e) {
        try {
            f.onNext(e);
        } catch (RuntimeException cancelled) {
            // The client went away between the cancel and its handler: stop sending to it.
            followers.remove(f);
        }
    }

    private static void complete(StreamObserver<JobEvent> f) {
        try {
            f.onCompleted();
        } catch (RuntimeException cancelled) {
            // the client went away first
        }
    }
}
