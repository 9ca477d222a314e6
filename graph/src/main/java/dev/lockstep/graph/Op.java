package dev.lockstep.graph;

/**
 * The closed set of graph operations. Every op corresponds to one StableHLO op (invariant 8), so
 * lowering and autodiff are exhaustive switches over this sealed hierarchy: a missing rule is a
 * compile error. Records carry attributes only; operands live on the {@link Node}.
 *
 * <p>Array-valued attributes are copied on construction and must not be mutated by readers.
 */
public sealed interface Op
        permits LeafOp, UnaryOp, BinaryOp, Select, LayoutOp, IndexOp, DotGeneral, Convolution,
                ReduceOp, WindowOp, RandomBits, AllReduce {

    /** The StableHLO op this corresponds to, e.g. {@code stablehlo.add}. */
    default String stablehloName() {
        return "stablehlo." + OpKind.of(this).stablehlo();
    }

    /** Number of operands this op takes, or -1 for variadic ops. */
    default int arity() {
        return OpKind.of(this).arity();
    }
}
