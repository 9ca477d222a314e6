package dev.lockstep.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HostTensorTest {
    @Test
    void wrongElementCountIsRejectedWithTheType() {
        var e = assertThrows(IllegalArgumentException.class, () -> HostTensor.ofFloats(new float[5], 2, 3));
        assertEquals("host tensor of type f32[2, 3] needs 6 elements, got 5", e.getMessage());
    }

    @Test
    void wrongArrayClassForTheDtypeIsRejected() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> HostTensor.wrap(TensorType.of(DType.F64, 2), new float[2]));
        assertEquals("host tensor of dtype f64 needs a double[], got float[]", e.getMessage());
    }

    @Test
    void fromDoublesConvertsPerDtype() {
        assertArrayEquals(new int[] {1, -1, 2}, (int[]) HostTensor.fromDoubles(TensorType.of(DType.I32, 3),
                new double[] {1.9, -1.9, 2}).array());
        assertArrayEquals(new boolean[] {true, false}, (boolean[]) HostTensor.fromDoubles(TensorType.of(DType.BOOL, 2),
                new double[] {0.5, 0}).array());
        assertEquals(3.0, HostTensor.scalar(DType.I64, 3).getDouble(0));
        assertTrue(HostTensor.zeros(TensorType.of(DType.BF16, 4)).array() instanceof float[]);
    }

    @Test
    void shapesHaveRowMajorStridesAndRejectNegativeDimensions() {
        assertArrayEquals(new long[] {12, 4, 1}, Shape.of(2, 3, 4).strides());
        // The device kernels' layouts use these (nd4j had its own copy): empty axes, unit axes, scalars.
        assertArrayEquals(new long[] {0, 3, 1}, Shape.of(2, 0, 3).strides());
        assertArrayEquals(new long[] {3, 3, 1}, Shape.of(2, 1, 3).strides());
        assertArrayEquals(new long[0], Shape.scalar().strides());
        assertEquals(0, Shape.of(2, 0).size());
        assertEquals(1, Shape.scalar().size());
        var e = assertThrows(IllegalArgumentException.class, () -> Shape.of(2, -1));
        assertEquals("dimension 1 of shape [2, -1] is negative", e.getMessage());
        assertEquals("tensor<2x3xf32>", TensorType.of(DType.F32, 2, 3).mlir());
    }
}
