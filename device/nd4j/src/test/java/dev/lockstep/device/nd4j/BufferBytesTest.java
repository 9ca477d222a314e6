package dev.lockstep.device.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lockstep.device.Buffer;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.Shape;
import dev.lockstep.tensor.TensorType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Buffer bytes in and out, as the all-reduce stages them: the bulk copy for f32/f64/i32/i64 and the
 * element-wise default for bf16 and bool give exactly what toHost gives, little-endian, at a slice's position.
 */
class BufferBytesTest {
    @Test
    void copyToWritesWhatToHostHoldsAndCopyFromReadsItBack() {
        List<HostTensor> values = List.of(
                HostTensor.ofFloats(new float[] {1.5f, -0.0f, Float.NaN, 3e-39f, -7}, 5),
                HostTensor.ofDoubles(new double[] {Math.PI, -1e300}, 2),
                HostTensor.ofInts(new int[] {-3, Integer.MAX_VALUE, 0}, 3),
                HostTensor.ofLongs(new long[] {Long.MIN_VALUE, 42}, 2),
                HostTensor.fromDoubles(new TensorType(DType.BF16, Shape.of(3)), new double[] {1.0, -2.5, 0.15625}),
                HostTensor.ofBools(new boolean[] {true, false, true}, 3));
        for (HostTensor v : values) {
            long bytes = HostTensor.littleEndianBytes(v.type());
            ByteBuffer bucket = ByteBuffer.allocate(Math.toIntExact(bytes) + 8).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer slice = bucket.slice(4, Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
            try (Buffer b = Cpu.DEVICE.upload(v); Buffer back = Cpu.DEVICE.allocate(v.type())) {
                b.copyTo(slice);
                assertEquals(0, slice.position(), "position unchanged");
                assertEquals(0, bucket.getInt(0), v.type() + ": nothing written before the slice");
                assertEquals(0, bucket.getInt(Math.toIntExact(bytes) + 4), v.type() + ": nothing after it");
                ByteBuffer expected = ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
                switch (v.array()) {
                    case float[] f -> expected.asFloatBuffer().put(f);
                    case double[] d -> expected.asDoubleBuffer().put(d);
                    case int[] x -> expected.asIntBuffer().put(x);
                    case long[] x -> expected.asLongBuffer().put(x);
                    case boolean[] z -> {
                        for (boolean x : z) {
                            expected.put((byte) (x ? 1 : 0));
                        }
                    }
                    default -> throw new IllegalStateException();
                }
                byte[] got = new byte[Math.toIntExact(bytes)];
                slice.get(0, got);
                assertArrayEquals(expected.array(), got, v.type() + " bytes");
                back.copyFrom(slice);
                assertEquals(v.toString(), back.toHost().toString(), v.type() + " round trip");
                if (v.array() instanceof float[] f) {
                    float[] r = back.toHost().floats();
                    for (int i = 0; i < f.length; i++) {
                        assertEquals(Float.floatToRawIntBits(f[i]), Float.floatToRawIntBits(r[i]), "bit for bit");
                    }
                }
            }
        }
    }
}
