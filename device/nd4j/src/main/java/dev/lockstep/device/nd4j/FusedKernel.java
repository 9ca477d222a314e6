package dev.lockstep.device.nd4j;

import dev.lockstep.graph.BinaryOp;
import dev.lockstep.graph.TensorType;
import dev.lockstep.graph.UnaryOp;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs a {@link Fusion.Expr} in chunks of about 1,024 elements: full leaves are copied into
 * L1-sized arrays, each op is a vectorisable loop over arrays, and only the root is written out.
 * Scalar and trailing (bias) leaves are expanded once per run into chunk-long arrays (chunks are a
 * multiple of the bias length). Each op rounds to f32 exactly as its unfused kernel does, so fusion
 * does not change a single bit of the result.
 */
final class FusedKernel {
    private static final int TARGET_CHUNK = 1024;

    /** One op of the linearised expression: bank[dst] = op(bank[a], bank[b]). */
    private record Instr(int code, UnaryOp unary, int a, int b, int dst) {}

    private FusedKernel() {}

    static Kernel of(Fusion.Expr root, List<TensorType> leafTypes, TensorType out) {
        long n = out.shape().size();
        int leaves = leafTypes.size();
        long period = 1;
        boolean[] full = new boolean[leaves];
        for (int k = 0; k < leaves; k++) {
            long size = leafTypes.get(k).shape().size();
            full[k] = size == n;
            if (!full[k] && size != 1) {
                period = size;
            }
        }
        int chunk = (int) Math.max(1, Math.min(n, period * ((TARGET_CHUNK + period - 1) / period)));
        List<Instr> program = new ArrayList<>();
        int[] next = {leaves};
        int rootSlot = linearise(root, program, next);
        float[][] bank = new float[next[0]][chunk];
        Instr[] code = program.toArray(new Instr[0]);
        int p = (int) period;
        return (in, o) -> {
            for (int k = 0; k < leaves; k++) {
                if (!full[k]) {
                    long size = leafTypes.get(k).shape().size();
                    float[] row = bank[k];
                    if (size == 1) {
                        Arrays.fill(row, in[k].getAtIndex(Mem.F32, 0));
                    } else {
                        for (int i = 0; i < chunk; i++) {
                            row[i] = in[k].getAtIndex(Mem.F32, i % p);
                        }
                    }
                }
            }
            for (long base = 0; base < n; base += chunk) {
                int len = (int) Math.min(chunk, n - base);
                for (int k = 0; k < leaves; k++) {
                    if (full[k]) {
                        MemorySegment.copy(in[k], Mem.F32, base * 4, bank[k], 0, len);
                    }
                }
                for (Instr ins : code) {
                    if (ins.unary != null) {
                        unary(ins.unary, bank[ins.a], bank[ins.dst], len);
                    } else {
                        binary(ins.code, bank[ins.a], bank[ins.b], bank[ins.dst], len);
                    }
                }
                MemorySegment.copy(bank[rootSlot], 0, o, Mem.F32, base * 4, len);
            }
        };
    }

    private static int linearise(Fusion.Expr e, List<Instr> program, int[] next) {
        if (e.op() == null) {
            return e.leaf();
        }
        int a = linearise(e.args().get(0), program, next);
        int b = e.args().size() > 1 ? linearise(e.args().get(1), program, next) : -1;
        int dst = next[0]++;
        switch (e.op()) {
            case UnaryOp u -> program.add(new Instr(-1, u, a, -1, dst));
            case BinaryOp bin -> program.add(new Instr(Elementwise.code(bin), null, a, b, dst));
            default -> throw new IllegalStateException("not fusable: " + e.op());
        }
        return dst;
    }

    private static void unary(UnaryOp op, float[] a, float[] o, int n) {
        switch (op) {
            case UnaryOp.Negate u -> {
                for (int i = 0; i < n; i++) {
                    o[i] = -a[i];
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    o[i] = (float) Elementwise.unaryDouble(op, a[i]);
                }
            }
        }
    }

    private static void binary(int op, float[] a, float[] b, float[] o, int n) {
        switch (op) {
            case BinaryLoops.ADD -> {
                for (int i = 0; i < n; i++) {
                    o[i] = a[i] + b[i];
                }
            }
            case BinaryLoops.SUB -> {
                for (int i = 0; i < n; i++) {
                    o[i] = a[i] - b[i];
                }
            }
            case BinaryLoops.MUL -> {
                for (int i = 0; i < n; i++) {
                    o[i] = a[i] * b[i];
                }
            }
            case BinaryLoops.DIV -> {
                for (int i = 0; i < n; i++) {
                    o[i] = a[i] / b[i];
                }
            }
            case BinaryLoops.MAX -> {
                for (int i = 0; i < n; i++) {
                    o[i] = Math.max(a[i], b[i]);
                }
            }
            case BinaryLoops.MIN -> {
                for (int i = 0; i < n; i++) {
                    o[i] = Math.min(a[i], b[i]);
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    o[i] = (float) BinaryLoops.real(op, a[i], b[i]);
                }
            }
        }
    }
}
