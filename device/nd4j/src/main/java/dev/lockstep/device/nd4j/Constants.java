package dev.lockstep.device.nd4j;

import dev.lockstep.graph.LeafOp;
import java.lang.foreign.MemorySegment;

/** Leaf values evaluated once at compile time into owned blocks. */
final class Constants {
    private Constants() {}

    static MemorySegment constant(KernelContext ctx, LeafOp.Constant c) {
        var t = c.type();
        long n = t.shape().size();
        MemorySegment s = ctx.scratch(t.dtype(), n);
        for (long i = 0; i < n; i++) {
            if (t.dtype().isFloating()) {
                Mem.setD(t.dtype(), s, i, c.value(i));
            } else {
                Mem.setL(t.dtype(), s, i, (long) c.value(i));
            }
        }
        return s;
    }

    static MemorySegment iota(KernelContext ctx, LeafOp.Iota io) {
        var t = io.type();
        long n = t.shape().size();
        MemorySegment s = ctx.scratch(t.dtype(), n);
        long stride = t.shape().strides()[io.axis()];
        long dim = t.shape().dim(io.axis());
        for (long i = 0; i < n; i++) {
            Mem.setL(t.dtype(), s, i, (i / stride) % dim);
        }
        return s;
    }
}
