package dev.lockstep.device.nd4j;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Device;
import dev.lockstep.device.Executable;
import dev.lockstep.device.Signature;
import dev.lockstep.graph.Convolution;
import dev.lockstep.graph.DotGeneral;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.Node;
import dev.lockstep.tensor.TensorType;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A compiled schedule. {@code slots[i]} holds node i's bytes: fixed at compile time for constants
 * and pooled intermediates, bound per call for parameters, outputs written in place and reshapes.
 * One step runs at a time (kernels and slots are reused), hence {@code synchronized}.
 */
final class Nd4jExecutable implements Executable {
    /** Node {@code out} computed by {@code kernel} from slots {@code in}; a null kernel aliases in[0]. */
    record Step(Node node, Kernel kernel, int[] in, int out, MemorySegment[] args) {
        Step(Node node, Kernel kernel, int[] in, int out) {
            this(node, kernel, in, out, new MemorySegment[in.length]);
        }
    }

    private final Nd4jDevice device;
    private final Graph graph;
    private final MemorySegment[] fixed;
    private final MemorySegment[] slots;
    private final Step[] steps;
    private final int[] paramPos;
    private final int[] outPos;
    private final boolean[] direct;
    /** Per step: the outputs whose values are final once it has run (-1: before the first step). */
    private final int[][] outputsFinalAfter;
    private final int[] outputsFinalAtStart;
    private final List<NativeMemory.Block> owned;
    /** The all-reduce kernels, which only copy while {@link #warmUp} runs. */
    private final List<CrossReplicaSum> collectives;
    private boolean closed;
    private long[] profile;

    Nd4jExecutable(Nd4jDevice device, Graph graph, MemorySegment[] fixed, List<Step> steps, int[] paramPos,
                   int[] outPos, boolean[] direct, int[] outFinalAfter, List<NativeMemory.Block> owned,
                   List<CrossReplicaSum> collectives) {
        this.device = device;
        this.graph = graph;
        this.fixed = fixed;
        this.slots = fixed.clone();
        this.steps = steps.toArray(new Step[0]);
        this.paramPos = paramPos;
        this.outPos = outPos;
        this.direct = direct;
        this.owned = owned;
        this.collectives = List.copyOf(collectives);
        List<List<Integer>> byStep = new java.util.ArrayList<>();
        for (int t = 0; t <= this.steps.length; t++) {
            byStep.add(new java.util.ArrayList<>());
        }
        for (int k = 0; k < outFinalAfter.length; k++) {
            byStep.get(outFinalAfter[k] + 1).add(k);
        }
        this.outputsFinalAtStart = byStep.getFirst().stream().mapToInt(Integer::intValue).toArray();
        this.outputsFinalAfter = new int[this.steps.length][];
        for (int t = 0; t < this.steps.length; t++) {
            List<Integer> ks = byStep.get(t + 1);
            outputsFinalAfter[t] = ks.isEmpty() ? null : ks.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    @Override
    public Graph graph() {
        return graph;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public void execute(List<? extends Buffer> inputs, List<? extends Buffer> outputs) {
        execute(inputs, outputs, null);
    }

    /**
     * Each output is copied out of its pooled block (where it has one) and published as soon as the
     * step that computes it has run: output blocks are never returned to the pool, so nothing later
     * in the schedule writes them.
     */
    @Override
    public synchronized void execute(List<? extends Buffer> inputs, List<? extends Buffer> outputs,
                                     OutputListener listener) {
        if (closed) {
            throw new IllegalStateException("executable on device " + device.name() + " is closed");
        }
        bind(inputs, outputs);
        if (device.workers() != null) {
            // The first kernel is usually a gemm; helpers need ~30 us to wake, so start them now.
            device.workers().wake();
        }
        publish(outputsFinalAtStart, outputs, listener);
        for (int t = 0; t < steps.length; t++) {
            Step s = steps[t];
            MemorySegment[] args = s.args;
            for (int k = 0; k < args.length; k++) {
                args[k] = slots[s.in[k]];
            }
            if (s.kernel == null) {
                slots[s.out] = args[0];
                publish(outputsFinalAfter[t], outputs, listener);
                continue;
            }
            long t0 = profile == null ? 0 : System.nanoTime();
            try {
                s.kernel.run(args, slots[s.out]);
            } catch (RuntimeException e) {
                throw new IllegalStateException("device " + device.name() + " failed at " + s.node + ": " + e, e);
            }
            if (profile != null) {
                profile[s.node.kind().ordinal()] += System.nanoTime() - t0;
            }
            publish(outputsFinalAfter[t], outputs, listener);
        }
        System.arraycopy(fixed, 0, slots, 0, fixed.length);
    }

    private void publish(int[] ready, List<? extends Buffer> outputs, OutputListener listener) {
        if (ready == null) {
            return;
        }
        for (int k : ready) {
            MemorySegment dst = ((NdBuffer) outputs.get(k)).segment();
            MemorySegment src = slots[outPos[k]];
            if (src.address() != dst.address()) {
                MemorySegment.copy(src, 0, dst, 0, dst.byteSize());
            }
            if (listener != null) {
                listener.ready(k);
            }
        }
    }

    private void bind(List<? extends Buffer> inputs, List<? extends Buffer> outputs) {
        Signature.check(graph, inputs, outputs);
        for (int p = 0; p < paramPos.length; p++) {
            slots[paramPos[p]] = own(inputs.get(p), Signature.inputName(graph, p)).segment();
        }
        for (int k = 0; k < outPos.length; k++) {
            NdBuffer b = own(outputs.get(k), "output " + k);
            if (direct[outPos[k]]) {
                slots[outPos[k]] = b.segment();
            }
        }
    }

    /** A buffer {@link Signature#check} accepted, as this device's own and open. */
    private NdBuffer own(Buffer buffer, String what) {
        if (!(buffer instanceof NdBuffer b) || b.device() != device) {
            throw new IllegalArgumentException(what + " is not a buffer of device " + device.name() + ": " + buffer);
        }
        if (b.isClosed()) {
            throw new IllegalArgumentException(what + " is closed");
        }
        return b;
    }

    /** Runs of each Java kernel during {@link #warmUp()}: enough for HotSpot's C2 thresholds. */
    private static final int WARM_RUNS = 300;
    /** Wall-time cap of {@link #warmUp()}: later compiles reuse the JIT code of shared kernels, and short jobs
     * (and test suites) compile many programs, so warming is bounded tightly. */
    private static final long WARM_BUDGET_NANOS = 300_000_000L;
    /** Rounds past {@link #WARM_RUNS} spent waiting for HotSpot to finish compiling. */
    private static final int JIT_WAIT_ROUNDS = 200;
    /** Warming ends once HotSpot has compiled nothing new for this long. */
    private static final long JIT_QUIET_NANOS = 100_000_000L;

    /**
     * Runs every Java kernel of the schedule {@link #WARM_RUNS} times on zero-filled scratch inputs,
     * so HotSpot compiles the loops now rather than during the first hundred or so steps (measured on
     * the MLP step: ~20 ms per step at first, ~6 ms once compiled; a synchronous step waits for its
     * slowest worker, so early slow steps hold every replica back). gemm and convolution kernels are
     * native and run once. Results are discarded; scratch buffers are freed before returning.
     */
    void warmUp() {
        List<NdBuffer> scratch = new java.util.ArrayList<>();
        collectives.forEach(k -> k.rehearse(true));
        try {
            List<NdBuffer> in = new java.util.ArrayList<>(), out = new java.util.ArrayList<>();
            for (Node p : graph.parameters()) {
                in.add(zeroed(p.type(), scratch));
            }
            for (TensorType t : graph.outputTypes()) {
                out.add(zeroed(t, scratch));
            }
            execute(in, out);
            long deadline = System.nanoTime() + WARM_BUDGET_NANOS;
            bind(in, out);
            List<Step> javaSteps = new java.util.ArrayList<>();
            for (Step s : steps) {
                if (s.kernel == null) {
                    slots[s.out] = slots[s.in[0]];
                } else if (!(s.node.op() instanceof DotGeneral) && !(s.node.op() instanceof Convolution)
                        && !(s.kernel instanceof CrossReplicaSum)) {
                    for (int k = 0; k < s.args.length; k++) {
                        s.args[k] = slots[s.in[k]];
                    }
                    javaSteps.add(s);
                }
            }
            // Round robin, so every kernel is equally warm when the budget runs out; after the
            // minimum, continue while HotSpot is still compiling what the rounds made hot, for at
            // most JIT_WAIT_ROUNDS more rounds (small graphs do not wait on unrelated compiles).
            var jit = java.lang.management.ManagementFactory.getCompilationMXBean();
            boolean timed = jit != null && jit.isCompilationTimeMonitoringSupported();
            long lastJit = timed ? jit.getTotalCompilationTime() : 0, quietSince = System.nanoTime();
            for (int r = 0; r < WARM_RUNS + JIT_WAIT_ROUNDS && System.nanoTime() - deadline < 0; r++) {
                for (Step s : javaSteps) {
                    s.kernel.run(s.args, slots[s.out]);
                }
                if (r + 1 >= WARM_RUNS) {
                    long now = timed ? jit.getTotalCompilationTime() : lastJit;
                    if (now != lastJit) {
                        lastJit = now;
                        quietSince = System.nanoTime();
                    } else if (System.nanoTime() - quietSince > JIT_QUIET_NANOS) {
                        break;
                    }
                }
            }
        } catch (RuntimeException e) {
            // Warming is an optimisation only; a kernel that rejects zeros fails the same way at run time.
        } finally {
            collectives.forEach(k -> k.rehearse(false));
            System.arraycopy(fixed, 0, slots, 0, fixed.length);
            scratch.forEach(NdBuffer::close);
        }
    }

    private NdBuffer zeroed(TensorType t, List<NdBuffer> scratch) {
        NdBuffer b = (NdBuffer) device.allocate(t);
        scratch.add(b);
        b.segment().fill((byte) 0);
        return b;
    }

    /** Starts accumulating kernel time per op kind (nanoseconds, indexed by OpKind ordinal); for tuning. */
    synchronized long[] profile() {
        if (profile == null) {
            profile = new long[dev.lockstep.graph.OpKind.values().length];
        }
        return profile;
    }

    /** Steps in the schedule (kernels and aliases), after rewrites dropped unneeded nodes. */
    int scheduledSteps() {
        return steps.length;
    }

    /** Native blocks this schedule owns (pool, constants, scratch); fixed after compile. */
    int ownedBlocks() {
        return owned.size();
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            owned.forEach(NativeMemory.Block::free);
        }
    }
}
