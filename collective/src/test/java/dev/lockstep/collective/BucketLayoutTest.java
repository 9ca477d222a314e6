package dev.lockstep.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.tensor.DType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BucketLayoutTest {
    private static TensorSpec f32(String path, long n) {
        return new TensorSpec(path, DType.F32, n);
    }

    /** Each bucket as "dtype:path@offset,path@offset". */
    private static List<String> shape(BucketLayout layout) {
        List<String> out = new ArrayList<>();
        for (Bucket b : layout.buckets()) {
            StringBuilder sb = new StringBuilder(b.dtype().toString()).append(':');
            for (int i = 0; i < b.members().size(); i++) {
                Bucket.Member m = b.members().get(i);
                sb.append(i == 0 ? "" : ",").append(m.tensor().path()).append('@').append(m.offset());
            }
            out.add(sb.toString());
        }
        return out;
    }

    @Test
    void fillsBucketsUpToTheCapInTheGivenOrder() {
        // Cap 100 bytes = 25 f32.
        BucketLayout layout = BucketLayout.of(
                List.of(f32("a/kernel", 10), f32("a/bias", 15), f32("b/kernel", 1), f32("b/bias", 24)), 100);
        assertEquals(List.of("f32:a/kernel@0,a/bias@10", "f32:b/kernel@0,b/bias@1"), shape(layout));
        assertEquals(25, layout.buckets().get(0).elements());
        assertEquals(100, layout.buckets().get(0).byteSize());
        assertEquals(new BucketLayout.Placement(1, 1), layout.placement("b/bias"));
    }

    @Test
    void tensorLargerThanTheCapGetsItsOwnBucket() {
        BucketLayout layout = BucketLayout.of(
                List.of(f32("a", 2), f32("big", 100), f32("b", 2), f32("huge", 26), f32("c", 25)), 100);
        assertEquals(List.of("f32:a@0", "f32:big@0", "f32:b@0", "f32:huge@0", "f32:c@0"), shape(layout));
    }

    @Test
    void oneDtypePerBucketWithAnOpenBucketPerDtype() {
        BucketLayout layout = BucketLayout.of(List.of(
                        f32("w1", 4),
                        new TensorSpec("step", DType.I64, 1),
                        f32("w2", 4),
                        new TensorSpec("w3", DType.F64, 2),
                        new TensorSpec("count", DType.I64, 1),
                        f32("w4", 20)),
                64);
        assertEquals(List.of("f32:w1@0,w2@4", "i64:step@0,count@1", "f64:w3@0", "f32:w4@0"), shape(layout));
    }

    @Test
    void emptyTensorsAndEmptyLists() {
        assertEquals(List.of(), BucketLayout.of(List.of(), 10).buckets());
        BucketLayout layout = BucketLayout.of(List.of(f32("empty", 0), f32("x", 1)), 4);
        assertEquals(List.of("f32:empty@0,x@0"), shape(layout));
    }

    @Test
    void sameInputsGiveTheSameLayout() {
        List<TensorSpec> tensors = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            tensors.add(new TensorSpec("layer" + i + "/kernel", i % 7 == 0 ? DType.F64 : DType.F32, 13L * i + 1));
        }
        BucketLayout a = BucketLayout.of(tensors, 1000);
        BucketLayout b = BucketLayout.of(List.copyOf(tensors), 1000);
        assertEquals(a, b);
        assertEquals(a.toString(), b.toString());
        for (Bucket bucket : a.buckets()) {
            assertTrue(bucket.byteSize() <= 1000 || bucket.members().size() == 1);
        }
    }

    @Test
    void rejectsDuplicatePathsAndBadCaps() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BucketLayout.of(List.of(f32("a", 1), f32("b", 1), f32("a", 2)), 100));
        assertEquals("tensor path a appears twice (positions 0 and 2)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BucketLayout.of(List.of(f32("a", 1)), 0));
        assertThrows(IllegalArgumentException.class, () -> BucketLayout.of(List.of(f32("a", 1)), 100).placement("b"));
    }
}
