package dev.lockstep.tensor;

/** Element types of graph tensors, with their StableHLO spelling. */
public enum DType {
    F32("f32", 4, Kind.FLOAT),
    F64("f64", 8, Kind.FLOAT),
    BF16("bf16", 2, Kind.FLOAT),
    F16("f16", 2, Kind.FLOAT),
    I32("i32", 4, Kind.INTEGER),
    I64("i64", 8, Kind.INTEGER),
    BOOL("i1", 1, Kind.BOOL);

    private enum Kind { FLOAT, INTEGER, BOOL }

    private final String mlir;
    private final int byteSize;
    private final Kind kind;

    DType(String mlir, int byteSize, Kind kind) {
        this.mlir = mlir;
        this.byteSize = byteSize;
        this.kind = kind;
    }

    /** The element type as written in StableHLO/MLIR text, e.g. {@code f32}, {@code i1}. */
    public String mlirName() {
        return mlir;
    }

    /** Bytes per element in a dense host or device buffer (bool takes one byte). */
    public int byteSize() {
        return byteSize;
    }

    public boolean isFloating() {
        return kind == Kind.FLOAT;
    }

    public boolean isInteger() {
        return kind == Kind.INTEGER;
    }

    public boolean isBool() {
        return kind == Kind.BOOL;
    }

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
