package dev.lockstep.device.pjrt;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Waits for PJRT events with a deadline (invariant 6: nothing waits forever). A ready event costs two calls and
 * no allocation; otherwise the wait registers a callback ({@code PJRT_Event_OnReady}, one upcall stub for the
 * device's life) and parks until the plugin calls it or the deadline passes. The callback runs on a plugin
 * thread and only hands the error over: everything else happens on the waiting thread.
 */
final class Events {
    private final PjrtApi api;
    private final PjrtApi.Scratch scratch;
    private final MemorySegment isReady, event, onReady, destroyAfterTimeout;
    private final MemorySegment callback;
    private final ConcurrentHashMap<Long, Waiter> waiters = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    Events(PjrtApi api, PjrtApi.Scratch scratch, Arena arena, NativeMemory memory) {
        this.api = api;
        this.scratch = scratch;
        this.isReady = Abi.EVENT_IS_READY.allocate(arena, memory);
        this.event = Abi.EVENT.allocate(arena, memory);
        this.onReady = Abi.EVENT_ON_READY.allocate(arena, memory);
        this.destroyAfterTimeout = Abi.ERROR_DESTROY.allocate(arena, memory);
        try {
            MethodHandle target = MethodHandles.lookup().findVirtual(Events.class, "ready",
                    MethodType.methodType(void.class, MemorySegment.class, MemorySegment.class)).bindTo(this);
            this.callback = Linker.nativeLinker().upcallStub(target, FunctionDescriptor.ofVoid(ADDRESS, ADDRESS), arena);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits for {@code pjrtEvent} (then destroys it) until {@code deadline}; its error becomes a PjrtException
     * naming {@code what}, and the deadline one with code DEADLINE_EXCEEDED. Callers hold the device's lock.
     */
    void await(MemorySegment pjrtEvent, Duration deadline, String what) {
        try {
            Abi.EVENT_IS_READY.reset(isReady);
            isReady.set(ADDRESS, Abi.EVENT_IS_READY.offset("event"), pjrtEvent);
            api.call(Abi.Slot.EVENT_IS_READY, isReady, scratch, what);
            MemorySegment error;
            if (isReady.get(JAVA_BOOLEAN, Abi.EVENT_IS_READY.offset("is_ready"))) {
                Abi.EVENT.reset(event);
                event.set(ADDRESS, Abi.EVENT.offset("event"), pjrtEvent);
                error = api.invoke(Abi.Slot.EVENT_ERROR, event);
            } else {
                error = awaitCallback(pjrtEvent, deadline, what);
            }
            if (error.address() != 0) {
                throw api.exception(error, scratch, what);
            }
        } finally {
            Abi.EVENT.reset(event);
            event.set(ADDRESS, Abi.EVENT.offset("event"), pjrtEvent);
            MemorySegment e = api.invoke(Abi.Slot.EVENT_DESTROY, event);
            api.destroyError(e, scratch.errorDestroy);
        }
    }

    private MemorySegment awaitCallback(MemorySegment pjrtEvent, Duration deadline, String what) {
        long id = ids.incrementAndGet();
        Waiter w = new Waiter();
        waiters.put(id, w);
        Abi.EVENT_ON_READY.reset(onReady);
        onReady.set(ADDRESS, Abi.EVENT_ON_READY.offset("event"), pjrtEvent);
        onReady.set(ADDRESS, Abi.EVENT_ON_READY.offset("callback"), callback);
        onReady.set(ADDRESS, Abi.EVENT_ON_READY.offset("user_arg"), MemorySegment.ofAddress(id));
        try {
            api.call(Abi.Slot.EVENT_ON_READY, onReady, scratch, what);
        } catch (RuntimeException e) {
            waiters.remove(id);
            throw e;
        }
        MemorySegment error = w.await(deadline);
        if (error == null) {
            // The plugin may still call back; the callback then finds no waiter and destroys the error itself.
            if (waiters.remove(id) != null) {
                throw new PjrtException(what, "DEADLINE_EXCEEDED", "did not finish within " + deadline.toMillis()
                        + " ms");
            }
            error = w.await(Duration.ZERO);
        }
        return error;
    }

    /** The upcall: hands the error (null on success) to the waiter, or destroys it when nobody waits any more. */
    @SuppressWarnings("unused")
    private void ready(MemorySegment error, MemorySegment userArg) {
        try {
            Waiter w = waiters.remove(userArg.address());
            if (w != null) {
                w.complete(error);
            } else if (error.address() != 0) {
                synchronized (destroyAfterTimeout) {
                    api.destroyError(error, destroyAfterTimeout);
                }
            }
        } catch (Throwable t) {
            // An exception must not unwind into the plugin's thread (the JVM would abort); the waiter times out.
        }
    }

    private static final class Waiter {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition done = lock.newCondition();
        private MemorySegment error;
        private boolean completed;

        void complete(MemorySegment e) {
            lock.lock();
            try {
                error = e;
                completed = true;
                done.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /** The error (NULL on success), or null when the deadline passed first. */
        MemorySegment await(Duration deadline) {
            long nanos = deadline.toNanos();
            lock.lock();
            try {
                while (!completed && nanos > 0) {
                    nanos = done.awaitNanos(nanos);
                }
                return completed ? error : null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } finally {
                lock.unlock();
            }
        }
    }

}
