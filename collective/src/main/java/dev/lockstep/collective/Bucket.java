package dev.lockstep.collective;

import dev.lockstep.tensor.DType;
import java.util.List;

/**
 * One bucket of a {@link BucketLayout}: tensors of one dtype laid out back to back, in layout order.
 *
 * @param index position of the bucket in the layout (buckets are reduced in this order)
 * @param members the tensors and their element offsets within the bucket
 * @param elements total element count
 */
public record Bucket(int index, DType dtype, List<Member> members, long elements) {
    public Bucket {
        members = List.copyOf(members);
    }

    /** A tensor's place in its bucket; offsets are in elements. */
    public record Member(TensorSpec tensor, long offset) {
        public long byteOffset() {
            return offset * tensor.dtype().byteSize();
        }
    }

    public long byteSize() {
        return elements * dtype.byteSize();
    }
}
