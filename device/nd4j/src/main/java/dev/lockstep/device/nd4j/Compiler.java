package dev.lockstep.device.nd4j;

import dev.lockstep.device.CompileException;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.LayoutOp;
import dev.lockstep.graph.LeafOp;
import dev.lockstep.graph.Node;
import dev.lockstep.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Turns a graph into a schedule: one kernel per computing node (after {@link Rewrites}),
 * parameters bound at run time, constants and iotas evaluated once, reshapes aliased, and every
 * intermediate placed in a pooled block chosen by liveness, so a step allocates nothing.
 */
final class Compiler {
    private Compiler() {}

    static Nd4jExecutable compile(Nd4jDevice device, Graph graph, dev.lockstep.device.Replicas replicas) {
        List<Node> nodes = graph.nodes();
        int n = nodes.size();
        int[] pos = new int[nodes.isEmpty() ? 0 : nodes.getLast().id() + 1];
        for (int i = 0; i < n; i++) {
            pos[nodes.get(i).id()] = i;
        }
        Rewrites.Planned[] plan = Rewrites.plan(graph, pos);
        boolean[] isOutput = new boolean[n];
        int[] outCount = new int[n];
        for (Node o : graph.outputs()) {
            isOutput[pos[o.id()]] = true;
            outCount[pos[o.id()]]++;
        }
        int[] order = order(plan);
        // Liveness in schedule time over the planned edges (rewrites change who reads what); a
        // reshape extends its root's life.
        int[] root = new int[n];
        int[] rootLast = new int[n];
        java.util.Arrays.fill(rootLast, -1);
        for (int t = 0; t < order.length; t++) {
            int i = order[t];
            root[i] = plan[i].op() instanceof LayoutOp.Reshape ? root[plan[i].in()[0]] : i;
            rootLast[root[i]] = Math.max(rootLast[root[i]], isOutput[i] ? Integer.MAX_VALUE : t);
            for (int k : plan[i].in()) {
                rootLast[root[k]] = Math.max(rootLast[root[k]], t);
            }
        }
        List<NativeMemory.Block> owned = new ArrayList<>();
        KernelContext ctx = new KernelContext(device, owned, replicas, new ArrayList<>());
        MemorySegment[] fixed = new MemorySegment[n];
        List<Nd4jExecutable.Step> steps = new ArrayList<>();
        boolean[] direct = new boolean[n];
        Pool pool = new Pool(device, owned);
        // The step after which each node's value is final: -1 for leaves, the end when unknown.
        int[] finalAfter = new int[n];
        java.util.Arrays.fill(finalAfter, Integer.MAX_VALUE);
        NativeMemory.Block[] blockOf = new NativeMemory.Block[n];
        List<List<Integer>> releaseAt = new ArrayList<>();
        for (int t = 0; t < order.length; t++) {
            releaseAt.add(new ArrayList<>());
        }
        for (int t = 0; t < order.length; t++) {
            int i = order[t];
            Node node = nodes.get(i);
            Rewrites.Planned p = plan[i];
            if (p == null || p.producer() >= 0) {
                continue;
            }
            try {
                switch (p.op()) {
                    case LeafOp.Parameter prm -> finalAfter[i] = -1;
                    case LeafOp.Constant c -> {
                        fixed[i] = Constants.constant(ctx, c);
                        finalAfter[i] = -1;
                    }
                    case LeafOp.Iota io -> {
                        fixed[i] = Constants.iota(ctx, io);
                        finalAfter[i] = -1;
                    }
                    case LayoutOp.Reshape r -> {
                        steps.add(new Nd4jExecutable.Step(node, null, p.in(), i));
                        finalAfter[i] = steps.size() - 1;
                    }
                    default -> {
                        Kernel k = p.fused() != null
                                ? FusedKernel.of(p.fused(), p.inTypes(), node.type(), device.workers())
                                : Kernels.of(p.op(), p.inTypes(), node.type(), ctx);
                        // A fused kernel's extra outputs follow its operands (see FusedKernel).
                        int[] args = java.util.Arrays.copyOf(p.in(), p.in().length + p.stores().length);
                        System.arraycopy(p.stores(), 0, args, p.in().length, p.stores().length);
                        steps.add(new Nd4jExecutable.Step(node, k, args, i));
                        finalAfter[i] = steps.size() - 1;
                        for (int st : p.stores()) {
                            finalAfter[st] = steps.size() - 1;
                        }
                        place(i, nodes.get(i), outCount, rootLast, t, direct, blockOf, fixed, pool, releaseAt);
                        for (int s : p.stores()) {
                            place(s, nodes.get(s), outCount, rootLast, t, direct, blockOf, fixed, pool, releaseAt);
                        }
                    }
                }
            } catch (CompileException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new CompileException(device.name(), node, e.toString(), e);
            }
            // Released only after node i is placed, so a result never shares a block with its operands.
            for (int r : releaseAt.get(t)) {
                pool.give(blockOf[r]);
            }
        }
        int[] paramPos = new int[graph.parameters().size()];
        for (int k = 0; k < paramPos.length; k++) {
            paramPos[k] = pos[graph.parameters().get(k).id()];
        }
        int[] outPos = new int[graph.outputs().size()];
        for (int k = 0; k < outPos.length; k++) {
            outPos[k] = pos[graph.outputs().get(k).id()];
        }
        int[] outFinalAfter = new int[outPos.length];
        for (int k = 0; k < outPos.length; k++) {
            outFinalAfter[k] = Math.min(finalAfter[outPos[k]], steps.size() - 1);
        }
        return new Nd4jExecutable(device, graph, fixed, steps, paramPos, outPos, direct, outFinalAfter, owned,
                ctx.collectives());
    }

    /**
     * The planned positions in execution order: graph order, except that a fused kernel whose
     * results only leave the graph (an optimizer update) runs as soon as its last operand is ready.
     * The gradient it reads is then still in cache, and its block returns to the pool early.
     */
    static int[] order(Rewrites.Planned[] plan) {
        int n = plan.length;
        int[] readers = new int[n];
        for (Rewrites.Planned p : plan) {
            if (p != null) {
                for (int k : p.in()) {
                    readers[k]++;
                }
            }
        }
        List<List<Integer>> after = new ArrayList<>();
        for (int i = 0; i <= n; i++) {
            after.add(new ArrayList<>());
        }
        boolean[] early = new boolean[n];
        for (int i = 0; i < n; i++) {
            Rewrites.Planned p = plan[i];
            if (p == null || p.fused() == null || readers[i] != 0) {
                continue;
            }
            boolean sink = true;
            int ready = -1;
            for (int s : p.stores()) {
                sink &= readers[s] == 0;
            }
            for (int k : p.in()) {
                // Leaves (parameters, constants, iotas) are bound or evaluated before any step.
                if (!(plan[k].op() instanceof LeafOp)) {
                    ready = Math.max(ready, plan[k].producer() >= 0 ? plan[k].producer() : k);
                }
            }
            if (sink) {
                early[i] = true;
                after.get(ready + 1).add(i);
            }
        }
        int[] order = new int[n];
        int t = 0;
        for (int i = 0; i <= n; i++) {
            for (int e : after.get(i)) {
                order[t++] = e;
            }
            if (i < n && plan[i] != null && !early[i]) {
                order[t++] = i;
            }
        }
        return java.util.Arrays.copyOf(order, t);
    }

    /**
     * Gives node {@code v}, computed at step time {@code at}, its memory: the output buffer bound per
     * call when it is a graph output exactly once, else a pooled block held until its last reader.
     */
    private static void place(int v, Node node, int[] outCount, int[] rootLast, int at, boolean[] direct,
                              NativeMemory.Block[] blockOf, MemorySegment[] fixed, Pool pool,
                              List<List<Integer>> releaseAt) {
        direct[v] = outCount[v] == 1;
        if (!direct[v]) {
            long bytes = node.type().shape().size() * node.dtype().byteSize();
            blockOf[v] = pool.take(bytes);
            fixed[v] = blockOf[v].segment().asSlice(0, bytes);
            if (rootLast[v] != Integer.MAX_VALUE) {
                releaseAt.get(Math.max(at, rootLast[v])).add(v);
            }
        }
    }

    /** Free pooled blocks by capacity; best fit keeps the pool small. */
    private static final class Pool {
        private final TreeMap<Long, List<NativeMemory.Block>> free = new TreeMap<>();
        private final Nd4jDevice device;
        private final List<NativeMemory.Block> owned;

        Pool(Nd4jDevice device, List<NativeMemory.Block> owned) {
            this.device = device;
            this.owned = owned;
        }

        NativeMemory.Block take(long bytes) {
            var e = free.ceilingEntry(Math.max(8, bytes));
            if (e == null) {
                NativeMemory.Block b = device.memory().allocate(DType.F64, (Math.max(8, bytes) + 7) / 8);
                owned.add(b);
                return b;
            }
            NativeMemory.Block b = e.getValue().removeLast();
            if (e.getValue().isEmpty()) {
                free.remove(e.getKey());
            }
            return b;
        }

        void give(NativeMemory.Block b) {
            free.computeIfAbsent(b.segment().byteSize(), k -> new ArrayList<>()).add(b);
        }
    }
}
