package dev.lockstep.device.nd4j;

import dev.lockstep.graph.BinaryOp;
import dev.lockstep.graph.Select;
import dev.lockstep.tensor.DType;
import dev.lockstep.graph.UnaryOp;
import dev.lockstep.tensor.TensorType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs a {@link Fusion.Expr} in chunks of about 1,024 elements: full leaves are copied into
 * L1-sized arrays, each op is a vectorisable loop over arrays ({@link FusedLoops}), and only the
 * root and the stores are written out. A value lives in a float array for arithmetic and in an int
 * array (its IEEE bits, or an all-ones/all-zeros mask) for comparisons and selects; a bit-exact
 * copy moves it between the two when an op needs the other. Scalar and trailing (bias) leaves are
 * expanded once per run into chunk-long arrays (chunks are a multiple of the bias length). Each op
 * rounds to f32 exactly as its unfused kernel does, so fusion does not change a single bit of the
 * result. Large kernels split their chunks between the device's compute threads, each with its own
 * arrays; the split does not change any result either. Large kernels also run a private copy of the
 * loops ({@link PrivateLoops}), so what other programs ran first does not decide how HotSpot compiles
 * them.
 *
 * <p>Arguments: the leaves in order, then one segment per store, which the kernel writes.
 */
final class FusedKernel {
    private static final int TARGET_CHUNK = 1024;
    /** Chunks handed to a thread at a time: enough to amortise the hand-out, few enough to balance. */
    private static final int GRAIN = 4;
    /** Below this many elements a hand-off to another thread costs more than it saves. */
    static final long PARALLEL_MIN = 1 << 15;
    /**
     * From this many elements a kernel runs a copy of the loops for its op sequence; smaller ones share
     * one, since each copy costs a JIT compilation and their per-element time matters little.
     */
    static final long PRIVATE_MIN = 1 << 14;

    private enum Kind { UNARY, BINARY, COMPARE, SELECT, TO_BITS, TO_FLOAT }

    /** One op of the linearised program over slots; TO_BITS/TO_FLOAT convert slot {@code a} in place. */
    private record Instr(Kind kind, UnaryOp unary, int code, BinaryOp.Direction dir, int a, int b, int c, int dst,
                         int store) {}

    private final int leaves;
    private final long n;
    private final int chunk;
    private final int period;
    private final List<TensorType> leafTypes;
    private final boolean[] full;
    private final boolean[] leafFloat;
    private final boolean[] leafBits;
    /** The program as {@link FusedLoops#run} takes it. */
    private final int[] kinds, ops, as, bs, cs, dsts;
    /** Per instruction: the store its result goes to (-1: none), and whether that result is bits. */
    private final int[] stores;
    private final boolean[] storesBits;
    /** {@link FusedLoops#run} of this kernel's private copy of {@link FusedLoops}. */
    private final MethodHandle runner;
    private final int rootSlot;
    private final boolean rootIsBits;
    /** Per part: per slot a float array and an int array (null where the slot never needs it). */
    private final float[][][] floats;
    private final int[][][] bits;
    private final Workers workers;

    private FusedKernel(Fusion.Expr root, List<TensorType> leafTypes, TensorType out, Workers workers) {
        this.n = out.shape().size();
        this.leaves = leafTypes.size();
        this.leafTypes = leafTypes;
        this.full = new boolean[leaves];
        long p = 1;
        for (int k = 0; k < leaves; k++) {
            long size = leafTypes.get(k).shape().size();
            full[k] = size == n;
            if (!full[k] && size != 1) {
                p = size;
            }
        }
        this.period = (int) p;
        this.chunk = (int) Math.max(1, Math.min(n, p * ((TARGET_CHUNK + p - 1) / p)));
        Program prog = new Program(leaves);
        int rs = prog.emit(root);
        this.rootSlot = rs;
        this.rootIsBits = !prog.isFloat.get(rs);
        Instr[] code = prog.code.toArray(new Instr[0]);
        int count = code.length;
        this.kinds = new int[count];
        this.ops = new int[count];
        this.as = new int[count];
        this.bs = new int[count];
        this.cs = new int[count];
        this.dsts = new int[count];
        this.stores = new int[count];
        this.storesBits = new boolean[count];
        for (int i = 0; i < count; i++) {
            Instr ins = code[i];
            kinds[i] = switch (ins.kind) {
                case UNARY -> FusedLoops.UNARY;
                case BINARY -> FusedLoops.BINARY;
                case COMPARE -> FusedLoops.COMPARE;
                case SELECT -> FusedLoops.SELECT;
                case TO_BITS -> FusedLoops.TO_BITS;
                case TO_FLOAT -> FusedLoops.TO_FLOAT;
            };
            ops[i] = switch (ins.kind) {
                case UNARY -> FusedLoops.code(ins.unary);
                case BINARY -> ins.code;
                case COMPARE -> FusedLoops.code(ins.dir);
                default -> -1;
            };
            as[i] = ins.a;
            bs[i] = ins.b;
            cs[i] = ins.c;
            dsts[i] = ins.dst;
            stores[i] = ins.store;
            storesBits[i] = ins.kind == Kind.COMPARE || ins.kind == Kind.SELECT;
        }
        this.leafFloat = new boolean[leaves];
        this.leafBits = new boolean[leaves];
        for (int k = 0; k < leaves; k++) {
            leafFloat[k] = prog.needFloat.get(k);
            leafBits[k] = prog.needBits.get(k);
        }
        int parts = workers != null && n >= PARALLEL_MIN ? workers.size() : 1;
        this.workers = parts > 1 ? workers : null;
        this.runner = PrivateLoops.runner(n >= PRIVATE_MIN
                ? Arrays.toString(kinds) + Arrays.toString(ops) : null);
        int slots = prog.needFloat.size();
        this.floats = new float[parts][slots][];
        this.bits = new int[parts][slots][];
        for (int s = 0; s < slots; s++) {
            // Expanded (scalar, bias) leaves are filled once per run and only read: one row for all parts.
            boolean shared = s < leaves && !full[s];
            float[] f = shared && prog.needFloat.get(s) ? new float[chunk] : null;
            int[] b = shared && prog.needBits.get(s) ? new int[chunk] : null;
            for (int t = 0; t < parts; t++) {
                floats[t][s] = shared ? f : prog.needFloat.get(s) ? new float[chunk] : null;
                bits[t][s] = shared ? b : prog.needBits.get(s) ? new int[chunk] : null;
            }
        }
    }

    static Kernel of(Fusion.Expr root, List<TensorType> leafTypes, TensorType out, Workers workers) {
        FusedKernel k = new FusedKernel(root, leafTypes, out, workers);
        return k::run;
    }

    private void run(MemorySegment[] in, MemorySegment o) {
        for (int k = 0; k < leaves; k++) {
            if (!full[k]) {
                expand(k, in[k]);
            }
        }
        long chunks = (n + chunk - 1) / chunk;
        if (workers == null) {
            runChunks(0, in, o, 0, chunks);
            return;
        }
        workers.dynamic(chunks, GRAIN, (part, from, to) -> runChunks(part, in, o, from, to));
    }

    /** Fills the shared row of a scalar or trailing leaf: element i of the chunk is element i % size. */
    private void expand(int k, MemorySegment src) {
        long size = leafTypes.get(k).shape().size();
        boolean bool = leafTypes.get(k).dtype() == DType.BOOL;
        float[] f = floats[0][k];
        int[] b = bits[0][k];
        for (int i = 0; i < chunk; i++) {
            long at = size == 1 ? 0 : i % period;
            if (bool) {
                b[i] = -(src.get(ValueLayout.JAVA_BYTE, at) & 1);
                continue;
            }
            float v = src.getAtIndex(Mem.F32, at);
            if (f != null) {
                f[i] = v;
            }
            if (b != null) {
                b[i] = Float.floatToRawIntBits(v);
            }
        }
    }

    private void runChunks(int part, MemorySegment[] in, MemorySegment o, long from, long to) {
        float[][] f = floats[part];
        int[][] b = bits[part];
        for (long c = from; c < to; c++) {
            long base = c * chunk;
            int len = (int) Math.min(chunk, n - base);
            load(f, b, in, base, len);
            try {
                runner.invokeExact(kinds, ops, as, bs, cs, dsts, f, b, len);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            for (int i = 0; i < stores.length; i++) {
                if (stores[i] >= 0) {
                    write(f, b, dsts[i], storesBits[i], in[leaves + stores[i]], base, len);
                }
            }
            write(f, b, rootSlot, rootIsBits, o, base, len);
        }
    }

    private void load(float[][] f, int[][] b, MemorySegment[] in, long base, int len) {
        for (int k = 0; k < leaves; k++) {
            if (!full[k]) {
                continue;
            }
            if (leafTypes.get(k).dtype() == DType.BOOL) {
                int[] row = b[k];
                for (int i = 0; i < len; i++) {
                    row[i] = -(in[k].get(ValueLayout.JAVA_BYTE, base + i) & 1);
                }
                continue;
            }
            if (leafFloat[k]) {
                MemorySegment.copy(in[k], Mem.F32, base * 4, f[k], 0, len);
            }
            if (leafBits[k]) {
                MemorySegment.copy(in[k], Mem.I32, base * 4, b[k], 0, len);
            }
        }
    }

    private static void write(float[][] f, int[][] b, int slot, boolean asBits, MemorySegment dst, long base, int len) {
        if (asBits) {
            MemorySegment.copy(b[slot], 0, dst, Mem.I32, base * 4, len);
        } else {
            MemorySegment.copy(f[slot], 0, dst, Mem.F32, base * 4, len);
        }
    }

    /** Linearises the tree; tracks which representation each slot is produced in and which it needs. */
    private static final class Program {
        final List<Instr> code = new ArrayList<>();
        final List<Boolean> isFloat = new ArrayList<>();
        final List<Boolean> needFloat = new ArrayList<>();
        final List<Boolean> needBits = new ArrayList<>();
        private final int leaves;

        Program(int leaves) {
            this.leaves = leaves;
            for (int k = 0; k < leaves; k++) {
                isFloat.add(true);
                needFloat.add(false);
                needBits.add(false);
            }
        }

        int emit(Fusion.Expr e) {
            if (e.op() == null) {
                return e.leaf();
            }
            int[] a = new int[3];
            for (int i = 0; i < e.args().size(); i++) {
                a[i] = emit(e.args().get(i));
            }
            boolean arithmetic = e.op() instanceof UnaryOp || e.op() instanceof BinaryOp && !(e.op() instanceof BinaryOp.Compare);
            for (int i = 0; i < e.args().size(); i++) {
                need(a[i], arithmetic);
            }
            int dst = isFloat.size();
            isFloat.add(arithmetic);
            needFloat.add(arithmetic);
            needBits.add(!arithmetic);
            int st = e.store();
            code.add(switch (e.op()) {
                case UnaryOp u -> new Instr(Kind.UNARY, u, -1, null, a[0], -1, -1, dst, st);
                case BinaryOp.Compare c -> new Instr(Kind.COMPARE, null, -1, c.direction(), a[0], a[1], -1, dst, st);
                case BinaryOp bin -> new Instr(Kind.BINARY, null, Elementwise.code(bin), null, a[0], a[1], -1, dst, st);
                case Select s -> new Instr(Kind.SELECT, null, -1, null, a[0], a[1], a[2], dst, st);
                default -> throw new IllegalStateException("not fusable: " + e.op());
            });
            return dst;
        }

        /** Makes slot s readable as floats or as bits; a computed slot gets a conversion once. */
        private void need(int s, boolean asFloat) {
            List<Boolean> want = asFloat ? needFloat : needBits;
            if (want.get(s)) {
                return;
            }
            want.set(s, true);
            if (s >= leaves) {
                code.add(new Instr(asFloat ? Kind.TO_FLOAT : Kind.TO_BITS, null, -1, null, s, -1, -1, s, -1));
            }
        }
    }
}
