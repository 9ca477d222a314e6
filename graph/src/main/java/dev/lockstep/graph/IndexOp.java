package dev.lockstep.graph;

/**
 * Gather and scatter with StableHLO's dimension numbers (without batching dims). Start indices are
 * clamped so every slice lies inside the operand, as StableHLO specifies for gather; scatter-add
 * skips updates whose window would fall outside the operand.
 */
public sealed interface IndexOp extends Op {

    /**
     * {@code stablehlo.gather}. Operands: operand, integer start indices. Example (embedding
     * lookup of table [V, D] by ids [N]): offsetDims {1}, collapsedSliceDims {0}, startIndexMap
     * {0}, indexVectorDim 1, sliceSizes {1, D} gives [N, D].
     */
    record Gather(int[] offsetDims, int[] collapsedSliceDims, int[] startIndexMap, int indexVectorDim,
                  int[] sliceSizes) implements IndexOp {
        public Gather {
            offsetDims = offsetDims.clone();
            collapsedSliceDims = collapsedSliceDims.clone();
            startIndexMap = startIndexMap.clone();
            sliceSizes = sliceSizes.clone();
        }
    }

    /**
     * {@code stablehlo.scatter} with an add combiner. Operands: operand, integer scatter indices,
     * updates. The result has the operand's type; it is the gradient of {@link Gather}.
     */
    record ScatterAdd(int[] updateWindowDims, int[] insertedWindowDims, int[] scatterDimsToOperandDims,
                      int indexVectorDim) implements IndexOp {
        public ScatterAdd {
            updateWindowDims = updateWindowDims.clone();
            insertedWindowDims = insertedWindowDims.clone();
            scatterDimsToOperandDims = scatterDimsToOperandDims.clone();
        }
    }
}
