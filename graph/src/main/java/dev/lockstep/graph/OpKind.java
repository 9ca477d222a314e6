package dev.lockstep.graph;

/**
 * One constant per op record, for typed capabilities ({@code EnumSet<OpKind>}) and messages.
 * {@link #of(Op)} is an exhaustive switch, so adding an op without a kind does not compile.
 */
public enum OpKind {
    PARAMETER("parameter", 0),
    CONSTANT("constant", 0),
    IOTA("iota", 0),
    NEGATE("negate", 1),
    ABS("abs", 1),
    EXPONENTIAL("exponential", 1),
    LOG("log", 1),
    LOG_PLUS_ONE("log_plus_one", 1),
    SQRT("sqrt", 1),
    RSQRT("rsqrt", 1),
    TANH("tanh", 1),
    LOGISTIC("logistic", 1),
    SIGN("sign", 1),
    FLOOR("floor", 1),
    CEIL("ceil", 1),
    CONVERT("convert", 1),
    ADD("add", 2),
    SUBTRACT("subtract", 2),
    MULTIPLY("multiply", 2),
    DIVIDE("divide", 2),
    MAXIMUM("maximum", 2),
    MINIMUM("minimum", 2),
    POWER("power", 2),
    COMPARE("compare", 2),
    SELECT("select", 3),
    BROADCAST_IN_DIM("broadcast_in_dim", 1),
    RESHAPE("reshape", 1),
    TRANSPOSE("transpose", 1),
    SLICE("slice", 1),
    DYNAMIC_SLICE("dynamic_slice", -1),
    CONCATENATE("concatenate", -1),
    PAD("pad", 2),
    REVERSE("reverse", 1),
    GATHER("gather", 2),
    SCATTER_ADD("scatter", 3),
    DOT_GENERAL("dot_general", 2),
    CONVOLUTION("convolution", 2),
    REDUCE("reduce", 1),
    ARGMAX("reduce", 1),
    REDUCE_WINDOW("reduce_window", 1),
    SELECT_AND_SCATTER("select_and_scatter", 2),
    RANDOM_BITS("custom_threefry", 2),
    ALL_REDUCE("all_reduce", 1);

    private final String stablehlo;
    private final int arity;

    OpKind(String stablehlo, int arity) {
        this.stablehlo = stablehlo;
        this.arity = arity;
    }

    /** The StableHLO op name without the dialect prefix. */
    public String stablehlo() {
        return stablehlo;
    }

    /** Operand count, or -1 when variadic. */
    public int arity() {
        return arity;
    }

    public static OpKind of(Op op) {
        return switch (op) {
            case LeafOp.Parameter p -> PARAMETER;
            case LeafOp.Constant c -> CONSTANT;
            case LeafOp.Iota i -> IOTA;
            case UnaryOp.Negate u -> NEGATE;
            case UnaryOp.Abs u -> ABS;
            case UnaryOp.Exp u -> EXPONENTIAL;
            case UnaryOp.Log u -> LOG;
            case UnaryOp.Log1p u -> LOG_PLUS_ONE;
            case UnaryOp.Sqrt u -> SQRT;
            case UnaryOp.Rsqrt u -> RSQRT;
            case UnaryOp.Tanh u -> TANH;
            case UnaryOp.Logistic u -> LOGISTIC;
            case UnaryOp.Sign u -> SIGN;
            case UnaryOp.Floor u -> FLOOR;
            case UnaryOp.Ceil u -> CEIL;
            case UnaryOp.Convert u -> CONVERT;
            case BinaryOp.Add b -> ADD;
            case BinaryOp.Subtract b -> SUBTRACT;
            case BinaryOp.Multiply b -> MULTIPLY;
            case BinaryOp.Divide b -> DIVIDE;
            case BinaryOp.Maximum b -> MAXIMUM;
            case BinaryOp.Minimum b -> MINIMUM;
            case BinaryOp.Power b -> POWER;
            case BinaryOp.Compare b -> COMPARE;
            case Select s -> SELECT;
            case LayoutOp.BroadcastInDim l -> BROADCAST_IN_DIM;
            case LayoutOp.Reshape l -> RESHAPE;
            case LayoutOp.Transpose l -> TRANSPOSE;
            case LayoutOp.Slice l -> SLICE;
            case LayoutOp.DynamicSlice l -> DYNAMIC_SLICE;
            case LayoutOp.Concatenate l -> CONCATENATE;
            case LayoutOp.Pad l -> PAD;
            case LayoutOp.Reverse l -> REVERSE;
            case IndexOp.Gather g -> GATHER;
            case IndexOp.ScatterAdd s -> SCATTER_ADD;
            case DotGeneral d -> DOT_GENERAL;
            case Convolution c -> CONVOLUTION;
            case ReduceOp.Reduce r -> REDUCE;
            case ReduceOp.ArgMax a -> ARGMAX;
            case WindowOp.ReduceWindow w -> REDUCE_WINDOW;
            case WindowOp.SelectAndScatter s -> SELECT_AND_SCATTER;
            case RandomBits r -> RANDOM_BITS;
            case AllReduce a -> ALL_REDUCE;
        };
    }

    /**
     * Ops declared without gradient: their outputs are bool, integral or random. (Sign, floor and
     * ceil are differentiable with gradient zero almost everywhere.)
     */
    public boolean differentiable() {
        return switch (this) {
            case COMPARE, IOTA, ARGMAX, RANDOM_BITS, PARAMETER, CONSTANT -> false;
            default -> true;
        };
    }

    /** Human-readable description of an op and its attributes (arrays printed by value). */
    public static String describe(Op op) {
        var comps = op.getClass().getRecordComponents();
        StringBuilder b = new StringBuilder(of(op).stablehlo());
        if (comps == null || comps.length == 0) {
            return b.toString();
        }
        b.append('{');
        for (int i = 0; i < comps.length; i++) {
            try {
                Object v = comps[i].getAccessor().invoke(op);
                if (i > 0) {
                    b.append(", ");
                }
                b.append(comps[i].getName()).append('=');
                b.append(v instanceof int[] a ? java.util.Arrays.toString(a)
                        : v instanceof double[] d ? (d.length <= 8 ? java.util.Arrays.toString(d) : d.length + " values")
                        : String.valueOf(v));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return b.append('}').toString();
    }
}
