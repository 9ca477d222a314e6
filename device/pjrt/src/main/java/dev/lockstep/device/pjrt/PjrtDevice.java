package dev.lockstep.device.pjrt;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Capabilities;
import dev.lockstep.device.Device;
import dev.lockstep.device.DeviceOptions;
import dev.lockstep.device.Executable;
import dev.lockstep.device.xla.StableHloEmitter;
import dev.lockstep.device.xla.StableHloModule;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.OpKind;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One device of a PJRT plugin's client. The device owns everything native: one {@link Arena} holds every
 * argument struct, the staging memory and the event callback, allocated once and reused; the plugin's buffers
 * and executables are registered here and destroyed by {@link #close} (buffers and executables first, then the
 * client, then the arena), so closing a device with live buffers frees them instead of leaving them dangling,
 * and a later use of one is an {@link IllegalStateException} rather than a crash. Calls into the plugin happen
 * under one lock, since they share the preallocated structs.
 */
final class PjrtDevice implements Device {
    private final String name;
    private final PjrtApi api;
    private final PjrtSettings settings;
    private final Arena arena = Arena.ofShared();
    private final NativeMemory memory = new NativeMemory();
    private final ReentrantLock lock = new ReentrantLock();
    private final PjrtApi.Scratch scratch;
    private final Events events;
    private final Staging staging;
    private final Set<PjrtBuffer> buffers = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<PjrtExecutable> executables = Collections.newSetFromMap(new IdentityHashMap<>());
    private final MemorySegment fromHost, toHost, destroyBuffer;
    private MemorySegment dims;
    private PjrtClient client;
    private Capabilities capabilities;
    private boolean closed;
    private String broken;

    private PjrtDevice(String name, PjrtApi api, PjrtSettings settings) {
        this.name = name;
        this.api = api;
        this.settings = settings;
        this.scratch = new PjrtApi.Scratch(arena, memory);
        this.events = new Events(api, scratch, arena, memory);
        this.staging = new Staging(memory);
        this.fromHost = Abi.BUFFER_FROM_HOST.allocate(arena, memory);
        this.toHost = Abi.BUFFER_TO_HOST.allocate(arena, memory);
        this.destroyBuffer = Abi.BUFFER_DESTROY.allocate(arena, memory);
        this.dims = memory.allocate(arena, 8 * 8, 8);
    }

    /**
     * Creates a client of {@code plugin} with {@code options} and takes its addressable device number
     * {@code index}; everything is released again if anything fails.
     */
    static PjrtDevice open(String name, Path plugin, int index, DeviceOptions options, PjrtSettings settings) {
        PjrtApi api = Plugins.get(plugin);
        PjrtDevice d = new PjrtDevice(name, api, settings);
        try {
            d.client = PjrtClient.create(api, d.scratch, d.memory, name, options, index);
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
        EnumSet<DType> dtypes = EnumSet.allOf(DType.class);
        if (d.client.platform().equalsIgnoreCase("tpu")) {
            dtypes.remove(DType.F64); // XLA on TPU has no f64
        }
        d.capabilities = Capabilities.of(EnumSet.allOf(OpKind.class), dtypes);
        return d;
    }

    @Override
    public String name() {
        return name;
    }

    /** The plugin's device, platform and versions, for logs and errors. */
    String description() {
        return client.description();
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public Executable compile(Graph graph) {
        return compile(graph, Set.of());
    }

    @Override
    public Executable compile(Graph graph, Set<Integer> donated) {
        capabilities.require(graph, name);
        StableHloModule module = StableHloEmitter.emit(graph, name);
        int[] alias = Aliasing.plan(graph.inputTypes(), graph.outputTypes(), donated);
        String text = Aliasing.apply(module.text(), alias);
        return locked(() -> {
            checkUsable();
            PjrtExecutable exe;
            try {
                exe = PjrtExecutable.compile(this, graph, text, donated);
            } catch (PjrtException e) {
                throw CompileErrors.of(name, module, e);
            }
            executables.add(exe);
            return exe;
        });
    }

    @Override
    public Buffer upload(HostTensor tensor) {
        PjrtBuffer b = (PjrtBuffer) allocate(tensor.type());
        try {
            b.copyFrom(tensor);
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
        return b;
    }

    @Override
    public Buffer allocate(TensorType type) {
        return locked(() -> {
            checkUsable();
            PjrtBuffer b = new PjrtBuffer(this, type);
            buffers.add(b);
            return b;
        });
    }

    /** Copies {@code type}'s bytes at {@code staging} into a new PJRT buffer on this device and returns it. */
    MemorySegment upload(MemorySegment staging, TensorType type) {
        int rank = type.rank();
        if (dims.byteSize() < 8L * rank) {
            dims = memory.allocate(arena, 8L * rank, 8);
        }
        for (int i = 0; i < rank; i++) {
            dims.setAtIndex(JAVA_LONG, i, type.shape().dim(i));
        }
        Struct s = Abi.BUFFER_FROM_HOST;
        s.reset(fromHost);
        fromHost.set(ADDRESS, s.offset("client"), client.client());
        fromHost.set(ADDRESS, s.offset("data"), staging);
        fromHost.set(JAVA_INT, s.offset("type"), HostLayout.pjrtType(type.dtype()));
        fromHost.set(ADDRESS, s.offset("dims"), dims);
        fromHost.set(JAVA_LONG, s.offset("num_dims"), rank);
        fromHost.set(JAVA_INT, s.offset("host_buffer_semantics"), Abi.IMMUTABLE_UNTIL_TRANSFER_COMPLETES);
        fromHost.set(ADDRESS, s.offset("device"), client.device());
        String what = "copying a " + type + " tensor to " + name;
        api.call(Abi.Slot.CLIENT_BUFFER_FROM_HOST, fromHost, scratch, what);
        MemorySegment buffer = fromHost.get(ADDRESS, s.offset("buffer"));
        try {
            await(fromHost.get(ADDRESS, s.offset("done_with_host_buffer")), settings.transfer(), what);
        } catch (RuntimeException e) {
            destroy(buffer);
            throw e;
        }
        return buffer;
    }

    /** Copies the value of {@code buffer} to the host and returns the staging memory holding it. */
    MemorySegment download(MemorySegment buffer, TensorType type) {
        long bytes = HostLayout.bytes(type);
        MemorySegment dst = staging(bytes);
        Struct s = Abi.BUFFER_TO_HOST;
        s.reset(toHost);
        toHost.set(ADDRESS, s.offset("src"), buffer);
        toHost.set(ADDRESS, s.offset("dst"), dst);
        toHost.set(JAVA_LONG, s.offset("dst_size"), bytes);
        String what = "copying a " + type + " tensor from " + name + " to the host";
        api.call(Abi.Slot.BUFFER_TO_HOST, toHost, scratch, what);
        await(toHost.get(ADDRESS, s.offset("event")), settings.transfer(), what);
        return dst;
    }

    /** Waits for {@code event}; a deadline that passes leaves the device unusable (see {@link PjrtSettings}). */
    void await(MemorySegment event, java.time.Duration deadline, String what) {
        if (event.address() == 0) {
            return; // a plugin that returns no event has finished the operation within the call
        }
        try {
            events.await(event, deadline, what);
        } catch (PjrtException e) {
            if (e.code().equals("DEADLINE_EXCEEDED")) {
                broken = what + " did not finish within " + deadline.toMillis() + " ms";
            }
            throw e;
        }
    }

    MemorySegment staging(long bytes) {
        return staging.get(bytes);
    }

    void destroy(MemorySegment buffer) {
        if (buffer.address() != 0 && client != null) {
            Abi.BUFFER_DESTROY.reset(destroyBuffer);
            destroyBuffer.set(ADDRESS, Abi.BUFFER_DESTROY.offset("buffer"), buffer);
            api.call(Abi.Slot.BUFFER_DESTROY, destroyBuffer, scratch, "destroying a buffer");
        }
    }

    void closeBuffer(PjrtBuffer b) {
        locked(() -> {
            if (!closed) {
                b.release();
                buffers.remove(b);
            }
            return null;
        });
    }

    void closeExecutable(PjrtExecutable e) {
        locked(() -> {
            if (!closed) {
                e.release();
                executables.remove(e);
            }
            return null;
        });
    }

    <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    void checkUsable() {
        if (closed) {
            throw new IllegalStateException("device " + name + " is closed");
        }
        if (broken != null) {
            throw new IllegalStateException("device " + name + " is unusable: " + broken + ", so the plugin may "
                    + "still be using memory the device has moved on from; open the device again");
        }
    }

    boolean isClosed() {
        return closed;
    }

    PjrtApi api() {
        return api;
    }

    PjrtApi.Scratch scratch() {
        return scratch;
    }

    Arena arena() {
        return arena;
    }

    NativeMemory memory() {
        return memory;
    }

    MemorySegment client() {
        return client.client();
    }

    int deviceId() {
        return client.deviceId();
    }

    PjrtSettings settings() {
        return settings;
    }

    /** Buffers not yet closed, for tests. */
    int liveBuffers() {
        return locked(buffers::size);
    }

    /**
     * Destroys every buffer and executable still open (their Java objects then refuse to be used), the
     * client, and the arena with every struct of the binding. Idempotent.
     */
    @Override
    public void close() {
        locked(() -> {
            if (closed) {
                return null;
            }
            closed = true;
            for (PjrtExecutable e : List.copyOf(executables)) {
                e.release();
            }
            for (PjrtBuffer b : List.copyOf(buffers)) {
                b.release();
            }
            executables.clear();
            buffers.clear();
            if (client != null) {
                MemorySegment c = client.client();
                client = null;
                PjrtClient.destroy(api, scratch, memory, c);
            }
            if (broken == null) {
                staging.close();
                arena.close();
            } // else the plugin may still finish the late transfer (reading staging) and call the event callback
            return null;
        });
    }

    @Override
    public String toString() {
        return "PjrtDevice[" + name + ": " + (client == null ? "no client" : client.description()) + "]";
    }
}
