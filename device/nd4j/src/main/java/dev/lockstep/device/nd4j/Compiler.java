package dev.lockstep.device.nd4j;

import dev.lockstep.device.CompileException;
import dev.lockstep.graph.DType;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.LayoutOp;
import dev.lockstep.graph.LeafOp;
import dev.lockstep.graph.Node;
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

    static Nd4jExecutable compile(Nd4jDevice device, Graph graph) {
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
        // Liveness over the planned edges (rewrites change who reads what); a reshape extends its root's life.
        int[] root = new int[n];
        int[] rootLast = new int[n];
        java.util.Arrays.fill(rootLast, -1);
        for (int i = 0; i < n; i++) {
            root[i] = plan[i] != null && plan[i].op() instanceof LayoutOp.Reshape ? root[plan[i].in()[0]] : i;
            rootLast[root[i]] = Math.max(rootLast[root[i]], isOutput[i] ? Integer.MAX_VALUE : i);
            if (plan[i] != null) {
                for (int k : plan[i].in()) {
                    rootLast[root[k]] = Math.max(rootLast[root[k]], i);
                }
            }
        }
        List<NativeMemory.Block> owned = new ArrayList<>();
        KernelContext ctx = new KernelContext(device, owned);
        MemorySegment[] fixed = new MemorySegment[n];
        List<Nd4jExecutable.Step> steps = new ArrayList<>();
        boolean[] direct = new boolean[n];
        Pool pool = new Pool(device, owned);
        NativeMemory.Block[] blockOf = new NativeMemory.Block[n];
        List<List<Integer>> releaseAt = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            releaseAt.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            Node node = nodes.get(i);
            Rewrites.Planned p = plan[i];
            if (p == null) {
                continue;
            }
            try {
                switch (p.op()) {
                    case LeafOp.Parameter prm -> { }
                    case LeafOp.Constant c -> fixed[i] = Constants.constant(ctx, c);
                    case LeafOp.Iota io -> fixed[i] = Constants.iota(ctx, io);
                    case LayoutOp.Reshape r -> steps.add(new Nd4jExecutable.Step(node, null, p.in(), i));
                    default -> {
                        Kernel k = p.fused() != null ? FusedKernel.of(p.fused(), p.inTypes(), node.type())
                                : Kernels.of(p.op(), p.inTypes(), node.type(), ctx);
                        steps.add(new Nd4jExecutable.Step(node, k, p.in(), i));
                        direct[i] = outCount[i] == 1;
                        if (!direct[i]) {
                            long bytes = node.type().shape().size() * node.dtype().byteSize();
                            blockOf[i] = pool.take(bytes);
                            fixed[i] = blockOf[i].segment().asSlice(0, bytes);
                            if (rootLast[i] != Integer.MAX_VALUE) {
                                releaseAt.get(Math.max(i, rootLast[i])).add(i);
                            }
                        }
                    }
                }
            } catch (CompileException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new CompileException(device.name(), node, e.toString(), e);
            }
            // Released only after node i is placed, so a result never shares a block with its operands.
            for (int r : releaseAt.get(i)) {
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
        return new Nd4jExecutable(device, graph, fixed, steps, paramPos, outPos, direct, owned);
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
