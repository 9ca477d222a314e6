package dev.lockstep.device.conformance;

import static dev.lockstep.device.conformance.CaseBuilder.ints;

import dev.lockstep.graph.IndexOp;
import dev.lockstep.tensor.DType;
import java.util.List;

/**
 * Gather and scatter-add in several dimension-number configurations, with start indices that
 * need clamping (gather) or whose windows fall outside the operand (scatter-add skips them).
 */
final class IndexCases {
    private IndexCases() {}

    static void addAll(CaseBuilder c) {
        for (DType d : List.of(DType.F32, DType.F64, DType.BF16, DType.F16, DType.I32, DType.I64, DType.BOOL)) {
            gather(c, d, d == DType.F32 ? DType.I64 : DType.I32, d == DType.F32 || d == DType.I32);
        }
        for (DType d : CaseBuilder.NUMERIC) {
            scatter(c, d, d == DType.F32 ? DType.I64 : DType.I32, d == DType.F32 || d == DType.I32);
        }
    }

    private static void gather(CaseBuilder c, DType d, DType ix, boolean all) {
        // embedding lookup [5, 3] by ids [4], including ids outside [0, 5) that clamp
        c.op(new IndexOp.Gather(ints(1), ints(0), ints(0), 1, ints(1, 3)), Input.of(d, 5, 3), Input.range(ix, -2, 7, 4));
        if (!all) {
            return;
        }
        // ids of rank 2: [2, 2] -> [2, 2, 3]
        c.op(new IndexOp.Gather(ints(2), ints(0), ints(0), 2, ints(1, 3)), Input.of(d, 5, 3), Input.range(ix, 0, 4, 2, 2));
        // point lookups with a 2-vector index [N, 2] into [3, 4]
        c.op(new IndexOp.Gather(ints(), ints(0, 1), ints(0, 1), 1, ints(1, 1)), Input.of(d, 3, 4), Input.range(ix, -1, 4, 6, 2));
        // 2x2 windows without collapsing, start order reversed (index vector is (col, row))
        c.op(new IndexOp.Gather(ints(1, 2), ints(), ints(1, 0), 1, ints(2, 2)), Input.of(d, 4, 5), Input.range(ix, 0, 5, 3, 2));
        // index vector in dimension 0 of the indices: [2, N]
        c.op(new IndexOp.Gather(ints(1), ints(0), ints(0, 1), 0, ints(1, 2)), Input.of(d, 4, 5), Input.range(ix, 0, 4, 2, 3));
        // offset dims before the batch dim: result [3 (window), N]
        c.op(new IndexOp.Gather(ints(0), ints(0), ints(0), 1, ints(1, 3)), Input.of(d, 5, 3), Input.range(ix, 0, 4, 4));
        // no ids at all, and a zero-size slice
        c.op(new IndexOp.Gather(ints(1), ints(0), ints(0), 1, ints(1, 3)), Input.of(d, 5, 3), Input.range(ix, 0, 4, 0));
        c.op(new IndexOp.Gather(ints(1), ints(0), ints(0), 1, ints(1, 0)), Input.of(d, 5, 3), Input.range(ix, 0, 4, 2));
    }

    private static void scatter(CaseBuilder c, DType d, DType ix, boolean all) {
        // row updates [4, 3] into [5, 3], with duplicate rows and rows outside [0, 5) that are skipped
        c.op(new IndexOp.ScatterAdd(ints(1), ints(0), ints(0), 1), 4,
                Input.of(d, 5, 3), Input.range(ix, -1, 5, 6, 1), Input.of(d, 6, 3));
        if (!all) {
            return;
        }
        // point updates [N] at 2-vector indices into [3, 4]
        c.op(new IndexOp.ScatterAdd(ints(), ints(0, 1), ints(0, 1), 1), 4,
                Input.of(d, 3, 4), Input.range(ix, 0, 3, 8, 2), Input.of(d, 8));
        // 2x2 windows into [4, 4]: starts up to 3 put some windows partly outside, which are skipped
        c.op(new IndexOp.ScatterAdd(ints(1, 2), ints(), ints(0, 1), 1), 4,
                Input.of(d, 4, 4), Input.range(ix, 0, 3, 5, 2), Input.of(d, 5, 2, 2));
        // implicit index vector (indexVectorDim == rank of indices): ids [3] -> rows
        c.op(new IndexOp.ScatterAdd(ints(1), ints(0), ints(0), 1), 4,
                Input.of(d, 4, 2), Input.range(ix, 0, 3, 3), Input.of(d, 3, 2));
        // index vector in dimension 0 of the indices, window dim before the scatter dim in updates
        c.op(new IndexOp.ScatterAdd(ints(0), ints(0), ints(0, 1), 0), 4,
                Input.of(d, 3, 5), Input.range(ix, 0, 2, 2, 4), Input.of(d, 3, 4));
        // nothing to scatter
        c.op(new IndexOp.ScatterAdd(ints(1), ints(0), ints(0), 1), 1,
                Input.of(d, 4, 2), Input.range(ix, 0, 3, 0, 1), Input.of(d, 0, 2));
    }
}
