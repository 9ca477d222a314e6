package dev.lockstep.device.nd4j;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Capabilities;
import dev.lockstep.device.Device;
import dev.lockstep.device.Executable;
import dev.lockstep.tensor.DType;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.OpKind;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.EnumSet;

/**
 * The ND4J device. Graphs compile into a fixed schedule of pre-resolved kernels over ND4J-owned
 * native buffers; f32/f64 dot_general goes straight to OpenBLAS when {@code blas} is set (cpu).
 */
final class Nd4jDevice implements Device {
    static final Capabilities CAPABILITIES = Capabilities.of(EnumSet.allOf(OpKind.class),
            EnumSet.of(DType.F32, DType.F64, DType.BF16, DType.F16, DType.I32, DType.I64, DType.BOOL));

    private final String name;
    private final boolean blas;
    private final Workers workers;
    private final NativeMemory memory = new NativeMemory();
    private boolean closed;

    /**
     * {@code threads} compute threads split large gemms into blocks (see {@link Gemm}) and large
     * fused elementwise kernels into slices ({@link FusedKernel}); 1 runs everything inline.
     */
    Nd4jDevice(String name, boolean blas, int threads) {
        this.name = name;
        this.blas = blas;
        this.workers = threads > 1 ? new Workers(threads, name) : null;
    }

    /** The compute threads, or null when the device runs on the calling thread only. */
    Workers workers() {
        return workers;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    /** Whether dot_general may call cblas on the buffers' host addresses. */
    boolean usesBlas() {
        return blas;
    }

    NativeMemory memory() {
        return memory;
    }

    @Override
    /** Compiles and warms the schedule (see {@link Nd4jExecutable#warmUp()}), so step one runs compiled code. */
    public Executable compile(Graph graph) {
        return compile(graph, dev.lockstep.device.Replicas.SINGLE);
    }

    /** All-reduces call {@code replicas} from the executing thread, in graph order. */
    @Override
    public Executable compile(Graph graph, dev.lockstep.device.Replicas replicas) {
        checkOpen();
        CAPABILITIES.require(graph, name);
        Nd4jExecutable e = Compiler.compile(this, graph, replicas);
        e.warmUp();
        return e;
    }

    @Override
    public Buffer upload(HostTensor tensor) {
        NdBuffer b = (NdBuffer) allocate(tensor.type());
        b.copyFrom(tensor);
        return b;
    }

    @Override
    public Buffer allocate(TensorType type) {
        checkOpen();
        return new NdBuffer(this, type, memory.allocate(type.dtype(), type.shape().size()));
    }

    /** Native allocations made so far by this device (buffers, schedules, constants). */
    long allocationCount() {
        return memory.allocationCount();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("device " + name + " is closed");
        }
    }

    @Override
    public void close() {
        closed = true;
        if (workers != null) {
            workers.close();
        }
    }

    @Override
    public String toString() {
        return "Nd4jDevice(" + name + ")";
    }
}
