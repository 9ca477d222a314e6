package dev.lockstep.device.pjrt;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Host tensors to and from the dense row-major layout PJRT transfers by default, in the host's byte order
 * (little-endian here): bf16 and f16 as their 16-bit encodings (rounded to nearest even), bool as one byte.
 */
final class HostLayout {
    private HostLayout() {}

    static {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new ExceptionInInitializerError("the PJRT device supports little-endian hosts only");
        }
    }

    static int pjrtType(DType d) {
        return switch (d) {
            case F32 -> Abi.TYPE_F32;
            case F64 -> Abi.TYPE_F64;
            case BF16 -> Abi.TYPE_BF16;
            case F16 -> Abi.TYPE_F16;
            case I32 -> Abi.TYPE_S32;
            case I64 -> Abi.TYPE_S64;
            case BOOL -> Abi.TYPE_PRED;
        };
    }

    static int elementBytes(DType d) {
        return switch (d) {
            case F64, I64 -> 8;
            case F32, I32 -> 4;
            case BF16, F16 -> 2;
            case BOOL -> 1;
        };
    }

    static long bytes(TensorType t) {
        return t.shape().size() * elementBytes(t.dtype());
    }

    /** Writes {@code t} at the start of {@code dst}. */
    static void write(HostTensor t, MemorySegment dst) {
        int n = t.size();
        switch (t.dtype()) {
            case F32 -> MemorySegment.copy(t.array(), 0, dst, JAVA_FLOAT, 0, n);
            case F64 -> MemorySegment.copy(t.array(), 0, dst, JAVA_DOUBLE, 0, n);
            case I32 -> MemorySegment.copy(t.array(), 0, dst, JAVA_INT, 0, n);
            case I64 -> MemorySegment.copy(t.array(), 0, dst, JAVA_LONG, 0, n);
            case BF16 -> {
                float[] f = t.floats();
                for (int i = 0; i < n; i++) {
                    dst.setAtIndex(JAVA_SHORT, i, toBf16(f[i]));
                }
            }
            case F16 -> {
                float[] f = t.floats();
                for (int i = 0; i < n; i++) {
                    dst.setAtIndex(JAVA_SHORT, i, Float.floatToFloat16(f[i]));
                }
            }
            case BOOL -> {
                boolean[] b = (boolean[]) t.array();
                for (int i = 0; i < n; i++) {
                    dst.set(JAVA_BYTE, i, (byte) (b[i] ? 1 : 0));
                }
            }
        }
    }

    /** Reads the start of {@code src} into the backing array of {@code out}. */
    static void read(MemorySegment src, HostTensor out) {
        int n = out.size();
        switch (out.dtype()) {
            case F32 -> MemorySegment.copy(src, JAVA_FLOAT, 0, out.array(), 0, n);
            case F64 -> MemorySegment.copy(src, JAVA_DOUBLE, 0, out.array(), 0, n);
            case I32 -> MemorySegment.copy(src, JAVA_INT, 0, out.array(), 0, n);
            case I64 -> MemorySegment.copy(src, JAVA_LONG, 0, out.array(), 0, n);
            case BF16, F16 -> {
                float[] f = out.floats();
                boolean bf16 = out.dtype() == DType.BF16;
                for (int i = 0; i < n; i++) {
                    short s = src.getAtIndex(JAVA_SHORT, i);
                    f[i] = bf16 ? fromBf16(s) : Float.float16ToFloat(s);
                }
            }
            case BOOL -> {
                boolean[] b = (boolean[]) out.array();
                for (int i = 0; i < n; i++) {
                    b[i] = src.get(JAVA_BYTE, i) != 0;
                }
            }
        }
    }

    /**
     * Copies device bytes at {@code src} into {@code dst} from its position in {@link HostTensor#putLittleEndian}'s
     * layout, which is the device layout except for bf16 and f16 (f32 there).
     */
    static void readInto(MemorySegment src, TensorType type, ByteBuffer dst) {
        MemorySegment out = MemorySegment.ofBuffer(dst);
        long n = type.shape().size();
        switch (type.dtype()) {
            case BF16, F16 -> {
                boolean bf16 = type.dtype() == DType.BF16;
                for (long i = 0; i < n; i++) {
                    short s = src.getAtIndex(JAVA_SHORT, i);
                    out.setAtIndex(FLOAT_LE, i, bf16 ? fromBf16(s) : Float.float16ToFloat(s));
                }
            }
            default -> MemorySegment.copy(src, 0, out, 0, bytes(type));
        }
    }

    /** The reverse of {@link #readInto}: {@code src} from its position, in the host layout, to device bytes. */
    static void writeFrom(ByteBuffer src, TensorType type, MemorySegment dst) {
        MemorySegment in = MemorySegment.ofBuffer(src);
        long n = type.shape().size();
        switch (type.dtype()) {
            case BF16, F16 -> {
                boolean bf16 = type.dtype() == DType.BF16;
                for (long i = 0; i < n; i++) {
                    float f = in.getAtIndex(FLOAT_LE, i);
                    dst.setAtIndex(JAVA_SHORT, i, bf16 ? toBf16(f) : Float.floatToFloat16(f));
                }
            }
            case BOOL -> {
                for (long i = 0; i < n; i++) {
                    dst.set(JAVA_BYTE, i, (byte) (in.get(JAVA_BYTE, i) != 0 ? 1 : 0));
                }
            }
            default -> MemorySegment.copy(in, 0, dst, 0, bytes(type));
        }
    }

    private static final ValueLayout.OfFloat FLOAT_LE = JAVA_FLOAT.withByteAlignment(1).withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Rounds to nearest even, keeping NaNs quiet NaNs. */
    static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        bits += 0x7FFF + ((bits >>> 16) & 1);
        return (short) (bits >>> 16);
    }

    static float fromBf16(short s) {
        return Float.intBitsToFloat((s & 0xFFFF) << 16);
    }
}
