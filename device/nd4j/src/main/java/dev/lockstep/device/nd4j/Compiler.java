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
 * Turns a graph into a schedule: one kernel per computing node, parameters bound at run time,
 * constants and iotas evaluated once, reshapes aliased, and every intermediate placed in a pooled
 * block chosen by liveness ({@link Graph#lastUse()}) so a step allocates nothing.
 */
final class Compiler {
    private Compiler() {}

    static Nd4jExecutable compile(Nd4jDevice device, Graph graph) {
        List<Node> nodes = graph.nodes();
        int n = nodes.size();
        int[] lastUseById = graph.lastUse();
        int[] pos = new int[lastUseById.length];
        for (int i = 0; i < n; i++) {
            pos[nodes.get(i).id()] = i;
        }
        int[] outCount = new int[n];
        for (Node o : graph.outputs()) {
            outCount[pos[o.id()]]++;
        }
        List<NativeMemory.Block> owned = new ArrayList<>();
        MemorySegment[] fixed = new MemorySegment[n];
        int[] root = new int[n];
        Nd4jExecutable.Step[] steps = new Nd4jExecutable.Step[n];
        int[] rootLast = new int[n];
        java.util.Arrays.fill(rootLast, -1);
        for (int i = 0; i < n; i++) {
            Node node = nodes.get(i);
            root[i] = node.op() instanceof LayoutOp.Reshape ? root[pos[node.operand(0).id()]] : i;
            int last = lastUseById[node.id()];
            rootLast[root[i]] = Math.max(rootLast[root[i]], last == -1 ? i : last);
        }
        // Free pooled blocks by capacity in bytes; best fit keeps the pool small.
        TreeMap<Long, List<NativeMemory.Block>> free = new TreeMap<>();
        NativeMemory.Block[] blockOf = new NativeMemory.Block[n];
        List<List<Integer>> releaseAt = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            releaseAt.add(new ArrayList<>());
        }
        KernelContext ctx = new KernelContext(device, owned);
        boolean[] direct = new boolean[n];
        for (int i = 0; i < n; i++) {
            Node node = nodes.get(i);
            int[] in = new int[node.operands().size()];
            for (int k = 0; k < in.length; k++) {
                in[k] = pos[node.operand(k).id()];
            }
            try {
                switch (node.op()) {
                    case LeafOp.Parameter p -> steps[i] = null;
                    case LeafOp.Constant c -> fixed[i] = Constants.constant(ctx, c);
                    case LeafOp.Iota io -> fixed[i] = Constants.iota(ctx, io);
                    case LayoutOp.Reshape r -> steps[i] = new Nd4jExecutable.Step(node, null, in, i);
                    default -> {
                        Kernel k = Kernels.of(node, ctx);
                        steps[i] = new Nd4jExecutable.Step(node, k, in, i);
                        direct[i] = outCount[i] == 1;
                        if (!direct[i]) {
                            long bytes = Math.max(8, node.type().shape().size() * node.dtype().byteSize());
                            var e = free.ceilingEntry(bytes);
                            NativeMemory.Block b;
                            if (e == null) {
                                b = device.memory().allocate(DType.F64, (bytes + 7) / 8);
                                owned.add(b);
                            } else {
                                b = e.getValue().removeLast();
                                if (e.getValue().isEmpty()) {
                                    free.remove(e.getKey());
                                }
                            }
                            blockOf[i] = b;
                            fixed[i] = b.segment().asSlice(0, node.type().shape().size() * node.dtype().byteSize());
                        }
                    }
                }
            } catch (CompileException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new CompileException(device.name(), node, e.toString(), e);
            }
            if (blockOf[i] != null) {
                releaseAt.get(Math.max(i, Math.min(rootLast[i], n - 1))).add(i);
            }
            // Operands die after this node is placed, so a result never shares a block with its operands.
            for (int r : releaseAt.get(i)) {
                if (rootLast[r] != Integer.MAX_VALUE) {
                    NativeMemory.Block b = blockOf[r];
                    free.computeIfAbsent(b.segment().byteSize(), k -> new ArrayList<>()).add(b);
                }
            }
        }
        int[] paramPos = new int[graph.parameters().size()];
        for (int p = 0; p < paramPos.length; p++) {
            paramPos[p] = pos[graph.parameters().get(p).id()];
        }
        int[] outPos = new int[graph.outputs().size()];
        for (int k = 0; k < outPos.length; k++) {
            outPos[k] = pos[graph.outputs().get(k).id()];
        }
        List<Nd4jExecutable.Step> schedule = new ArrayList<>();
        for (var s : steps) {
            if (s != null) {
                schedule.add(s);
            }
        }
        return new Nd4jExecutable(device, graph, fixed, schedule, paramPos, outPos, direct, owned);
    }
}
