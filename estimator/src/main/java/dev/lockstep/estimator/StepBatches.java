package dev.lockstep.estimator;

import dev.lockstep.data.BatchShare;
import dev.lockstep.data.DatasetIterator;
import java.util.ArrayList;
import java.util.List;

/**
 * The micro-batches of one step of one replica: {@code k} elements of the training input (the spec's
 * micro-batches), each this replica's share of one global batch, cut into its pieces where the world
 * size does not divide the global batch ({@link BatchShare}), with the global index of every
 * micro-batch's first example (per-example randomness is keyed by it, invariant 4).
 */
record StepBatches(List<Batch> micro, long[] offsets, long examples) {
    static StepBatches read(DatasetIterator<Batch> it, long step, int k, Replica replica, BatchShare share) {
        List<Batch> micro = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        long examples = 0;
        for (int m = 0; m < k; m++) {
            if (!it.hasNext()) {
                throw new IllegalStateException("the training input of rank " + replica.rank() + " ended at step "
                        + step + "; repeat the dataset or train fewer steps");
            }
            Batch element = it.next();
            examples += element.size();
            long globalStep = step * k + m;
            if (share == null || share.even()) {
                micro.add(element);
                offsets.add(replica.exampleOffset(globalStep, element.size()));
                continue;
            }
            int pieces = share.pieceCount(replica.rank());
            if (element.size() != pieces * share.pieceSize()) {
                throw new IllegalStateException("rank " + replica.rank() + " read " + element.size() + " examples of "
                        + "global batch " + globalStep + ", but its share is " + pieces + " pieces of "
                        + share.pieceSize() + " (" + share.describe() + ")");
            }
            for (int j = 0; j < pieces; j++) {
                micro.add(element.rows(j * share.pieceSize(), (j + 1) * share.pieceSize()));
                offsets.add(Math.addExact(Math.multiplyExact(globalStep, (long) share.globalBatch()),
                        share.firstExample(replica.rank(), j)));
            }
        }
        return new StepBatches(List.copyOf(micro), offsets.stream().mapToLong(Long::longValue).toArray(), examples);
    }

    List<java.util.Map<String, dev.lockstep.tensor.HostTensor>> programInputs() {
        return micro.stream().map(Batch::programInputs).toList();
    }
}
