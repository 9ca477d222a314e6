package dev.lockstep.graph.autodiff;

import dev.lockstep.graph.Convolution;
import dev.lockstep.graph.DotGeneral;
import dev.lockstep.graph.Functions;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.IndexOp;
import dev.lockstep.graph.LayoutOp;
import dev.lockstep.graph.ReduceOp.Reduction;
import dev.lockstep.tensor.DType;
import dev.lockstep.graph.Tensor;
import dev.lockstep.graph.WindowOp;
import dev.lockstep.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One small forward graph per differentiable op (and per distinct path through a rule: strides,
 * padding that turns into cropping, dilations, groups). Each case declares its own inputs.
 */
final class OpCases {
    private OpCases() {}

    record Case(String name, Function<GraphBuilder, Tensor> body) {}

    static List<Case> all(DType f) {
        List<Case> c = new ArrayList<>();
        unary(c, f);
        c.add(new Case("add", b -> in(b, f, 2, 3).add(in(b, f, "y", 2, 3))));
        c.add(new Case("sub", b -> in(b, f, 2, 3).sub(in(b, f, "y", 2, 3))));
        c.add(new Case("mul", b -> in(b, f, 2, 3).mul(in(b, f, "y", 2, 3))));
        c.add(new Case("div", b -> in(b, f, 2, 3).div(in(b, f, "y", 2, 3))));
        c.add(new Case("max", b -> in(b, f, 2, 3).max(in(b, f, "y", 2, 3))));
        c.add(new Case("min", b -> in(b, f, 2, 3).min(in(b, f, "y", 2, 3))));
        c.add(new Case("pow", b -> in(b, f, 2, 3).pow(in(b, f, "y", 2, 3))));
        c.add(new Case("select", b -> {
            Tensor x = in(b, f, 2, 3), y = in(b, f, "y", 2, 3);
            return x.gt(y).select(x, y);
        }));
        c.add(new Case("broadcast_in_dim", b -> in(b, f, 1, 3).broadcastInDim(Shape.of(2, 3, 4), 0, 1)));
        c.add(new Case("reshape", b -> in(b, f, 2, 6).reshape(3, 4)));
        c.add(new Case("all_reduce", b -> in(b, f, 2, 3).sumOverReplicas()));
        c.add(new Case("transpose", b -> in(b, f, 2, 3, 4).transpose(2, 0, 1)));
        c.add(new Case("slice", b -> in(b, f, 5, 7).slice(new int[] {1, 0}, new int[] {5, 6}, new int[] {2, 3})));
        c.add(new Case("dynamic_slice", b -> in(b, f, 5, 4).dynamicSlice(
                List.of(b.input("i", DType.I32), b.input("j", DType.I64)), 3, 2)));
        c.add(new Case("concatenate", b -> in(b, f, 2, 3).concat(1, in(b, f, "y", 2, 1), in(b, f, "z", 2, 2))));
        c.add(new Case("pad", b -> {
            Tensor x = in(b, f, 2, 3), v = in(b, f, "v");
            return b.wrap(b.add(new LayoutOp.Pad(new int[] {1, 0}, new int[] {2, 1}, new int[] {1, 2}), x.node(), v.node()));
        }));
        c.add(new Case("reverse", b -> in(b, f, 3, 4).reverse(0, 1)));
        c.add(new Case("gather", b -> in(b, f, 5, 3).take(b.input("ids", DType.I32, 2, 2))));
        c.add(new Case("scatter", b -> {
            Tensor x = in(b, f, 5, 3), ids = b.input("ids", DType.I32, 4), u = in(b, f, "u", 4, 3);
            return b.wrap(b.add(new IndexOp.ScatterAdd(new int[] {1}, new int[] {0}, new int[] {0}, 1),
                    x.node(), ids.node(), u.node()));
        }));
        c.add(new Case("dot_general", b -> in(b, f, 2, 3, 4).dotGeneral(
                new DotGeneral(new int[] {0}, new int[] {1}, new int[] {2}, new int[] {0}), in(b, f, "y", 4, 2, 5))));
        convolutions(c, f);
        c.add(new Case("reduce sum", b -> in(b, f, 2, 3, 4).sum(0, 2)));
        c.add(new Case("reduce max", b -> in(b, f, 2, 3, 4).reduceMax(1)));
        c.add(new Case("reduce min", b -> in(b, f, 2, 3, 4).reduceMin(0, 2)));
        c.add(new Case("reduce_window sum", b -> in(b, f, 1, 5, 6, 2).reduceWindow(Reduction.SUM,
                new int[] {1, 2, 3, 1}, new int[] {1, 2, 2, 1}, new int[] {0, 1, 0, 0}, new int[] {0, 0, 2, 0})));
        c.add(new Case("reduce_window sum, crop", b -> in(b, f, 4, 3).reduceWindow(Reduction.SUM,
                new int[] {2, 1}, new int[] {3, 1}, new int[] {3, 0}, new int[] {4, 1})));
        c.add(new Case("reduce_window max", b -> in(b, f, 1, 5, 6, 2).reduceWindow(Reduction.MAX,
                new int[] {1, 2, 3, 1}, new int[] {1, 2, 2, 1}, new int[] {0, 1, 0, 0}, new int[] {0, 0, 2, 0})));
        c.add(new Case("reduce_window min", b -> in(b, f, 6, 2).reduceWindow(Reduction.MIN,
                new int[] {3, 1}, new int[] {2, 1}, new int[] {1, 0}, new int[] {1, 0})));
        c.add(new Case("select_and_scatter", b -> {
            Tensor x = in(b, f, 6, 5), s = in(b, f, "s", 3, 3);
            return b.wrap(b.add(new WindowOp.SelectAndScatter(new int[] {2, 3}, new int[] {2, 2}, new int[] {0, 1},
                    new int[] {0, 1}), x.node(), s.node()));
        }));
        c.add(new Case("softmax cross-entropy", b -> Functions.softmaxCrossEntropy(in(b, f, 3, 5),
                Functions.softmax(in(b, f, "y", 3, 5), 1))));
        return c;
    }

    private static void unary(List<Case> c, DType f) {
        c.add(new Case("negate", b -> in(b, f, 2, 3).neg()));
        c.add(new Case("abs", b -> in(b, f, 2, 3).abs()));
        c.add(new Case("exponential", b -> in(b, f, 2, 3).exp()));
        c.add(new Case("log", b -> in(b, f, 2, 3).log()));
        c.add(new Case("log_plus_one", b -> in(b, f, 2, 3).log1p()));
        c.add(new Case("sqrt", b -> in(b, f, 2, 3).sqrt()));
        c.add(new Case("rsqrt", b -> in(b, f, 2, 3).rsqrt()));
        c.add(new Case("tanh", b -> in(b, f, 2, 3).tanh()));
        c.add(new Case("logistic", b -> in(b, f, 2, 3).sigmoid()));
        c.add(new Case("sign", b -> in(b, f, 2, 3).sign()));
        c.add(new Case("floor", b -> in(b, f, 2, 3).floor()));
        c.add(new Case("ceil", b -> in(b, f, 2, 3).ceil()));
        c.add(new Case("convert", b -> in(b, f, 2, 3).cast(f == DType.F64 ? DType.F32 : DType.F64)));
    }

    private static void convolutions(List<Case> c, DType f) {
        int[] one = {1}, zero = {0}, one2 = {1, 1}, zero2 = {0, 0};
        conv(c, f, "1-D", new int[] {2, 5, 3}, new int[] {3, 3, 4}, Convolution.simple(1));
        conv(c, f, "2-D stride 2 pad 1", new int[] {1, 5, 6, 2}, new int[] {3, 3, 2, 3},
                new Convolution(new int[] {2, 2}, one2, one2, one2, one2, 1));
        conv(c, f, "1-D lhs dilation", new int[] {1, 4, 2}, new int[] {3, 2, 2},
                new Convolution(one, one, new int[] {2}, new int[] {2}, one, 1));
        conv(c, f, "1-D rhs dilation stride", new int[] {2, 9, 2}, new int[] {3, 2, 3},
                new Convolution(new int[] {2}, zero, one, one, new int[] {2}, 1));
        // Padding larger than the kernel: the input gradient crops instead of padding negatively.
        conv(c, f, "1-D large padding", new int[] {1, 4, 1}, new int[] {2, 1, 2},
                new Convolution(new int[] {3}, new int[] {3}, new int[] {4}, new int[] {2}, one, 1));
        conv(c, f, "2-D groups", new int[] {2, 5, 4, 6}, new int[] {3, 2, 2, 6},
                new Convolution(new int[] {2, 1}, new int[] {1, 0}, new int[] {2, 1}, new int[] {1, 2},
                        new int[] {2, 1}, 3));
        conv(c, f, "2-D depthwise", new int[] {2, 4, 4, 4}, new int[] {2, 2, 1, 4},
                new Convolution(one2, zero2, zero2, one2, one2, 4));
    }

    private static void conv(List<Case> c, DType f, String name, int[] x, int[] w, Convolution op) {
        c.add(new Case("convolution " + name, b -> in(b, f, x).conv(in(b, f, "w", w), op)));
    }

    static Tensor in(GraphBuilder b, DType f, int... dims) {
        return b.input("x", f, dims);
    }

    static Tensor in(GraphBuilder b, DType f, String name, int... dims) {
        return b.input(name, f, dims);
    }
}
