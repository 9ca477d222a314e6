package dev.lockstep.device.nd4j;

import dev.lockstep.graph.AllReduce;
import dev.lockstep.graph.BinaryOp;
import dev.lockstep.graph.Convolution;
import dev.lockstep.graph.DotGeneral;
import dev.lockstep.graph.IndexOp;
import dev.lockstep.graph.LayoutOp;
import dev.lockstep.graph.LeafOp;
import dev.lockstep.graph.Op;
import dev.lockstep.graph.RandomBits;
import dev.lockstep.graph.ReduceOp;
import dev.lockstep.graph.Select;
import dev.lockstep.graph.UnaryOp;
import dev.lockstep.graph.WindowOp;
import dev.lockstep.tensor.TensorType;
import java.util.List;

/** Picks the kernel for a node: an exhaustive switch, so a new op without a kernel does not compile. */
final class Kernels {
    private Kernels() {}

    static Kernel of(Op op, List<TensorType> in, TensorType out, KernelContext ctx) {
        return switch (op) {
            case LeafOp.Parameter p -> throw new IllegalStateException("parameters are bound, not computed");
            case LeafOp.Constant c -> throw new IllegalStateException("constants are evaluated at compile time");
            case LeafOp.Iota i -> throw new IllegalStateException("iotas are evaluated at compile time");
            case UnaryOp.Convert c -> Elementwise.convert(in.get(0), out);
            case UnaryOp u -> Elementwise.unary(u, out);
            case BinaryOp.Compare c -> Elementwise.compare(c.direction(), in, out, ctx);
            case BinaryOp b -> Elementwise.binary(b, out, in, ctx);
            case Select s -> Elementwise.select(out, in, ctx);
            case LayoutOp.Reshape r -> throw new IllegalStateException("reshapes alias their operand");
            case LayoutOp l -> Layout.of(l, in, out);
            case IndexOp.Gather g -> Indexing.gather(g, in.get(0), in.get(1), out);
            case IndexOp.ScatterAdd s -> Indexing.scatterAdd(s, in.get(0), in.get(1), in.get(2));
            case DotGeneral d -> Dot.of(d, in.get(0), in.get(1), out, ctx);
            case Convolution c -> Conv.of(c, in.get(0), in.get(1), out, ctx);
            case ReduceOp.Reduce r -> Reductions.reduce(r, in.get(0), out);
            case ReduceOp.ArgMax a -> Reductions.argMax(a, in.get(0), out);
            case WindowOp.ReduceWindow w -> Windows.reduceWindow(w, in.get(0), out);
            case WindowOp.SelectAndScatter s -> Windows.selectAndScatter(s, in.get(0), in.get(1));
            case RandomBits r -> RandomKernel.of(out, ctx.device().workers());
            case AllReduce a -> ctx.crossReplicaSum(out);
        };
    }
}
