package dev.lockstep.estimator.checkpoint;

import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Host tensor elements to and from safetensors bytes. Wide dtypes move in bulk through typed views of
 * the staging buffer; the 2-byte floats and bool are converted element by element.
 */
final class TensorCodec {
    private TensorCodec() {
    }

    static void encode(HostTensor t, ChunkSink out) throws IOException {
        switch (t.dtype()) {
            case F32 -> {
                float[] a = (float[]) t.array();
                for (int i = 0; i < a.length; ) {
                    ByteBuffer b = out.room(4);
                    int n = Math.min(a.length - i, b.remaining() / 4);
                    b.asFloatBuffer().put(a, i, n);
                    b.position(b.position() + 4 * n);
                    i += n;
                }
            }
            case F64 -> {
                double[] a = (double[]) t.array();
                for (int i = 0; i < a.length; ) {
                    ByteBuffer b = out.room(8);
                    int n = Math.min(a.length - i, b.remaining() / 8);
                    b.asDoubleBuffer().put(a, i, n);
                    b.position(b.position() + 8 * n);
                    i += n;
                }
            }
            case I32 -> {
                int[] a = (int[]) t.array();
                for (int i = 0; i < a.length; ) {
                    ByteBuffer b = out.room(4);
                    int n = Math.min(a.length - i, b.remaining() / 4);
                    b.asIntBuffer().put(a, i, n);
                    b.position(b.position() + 4 * n);
                    i += n;
                }
            }
            case I64 -> {
                long[] a = (long[]) t.array();
                for (int i = 0; i < a.length; ) {
                    ByteBuffer b = out.room(8);
                    int n = Math.min(a.length - i, b.remaining() / 8);
                    b.asLongBuffer().put(a, i, n);
                    b.position(b.position() + 8 * n);
                    i += n;
                }
            }
            case BF16 -> {
                for (float f : (float[]) t.array()) {
                    out.room(2).putShort(HalfFloats.toBf16(f));
                }
            }
            case F16 -> {
                for (float f : (float[]) t.array()) {
                    out.room(2).putShort(HalfFloats.toF16(f));
                }
            }
            case BOOL -> {
                for (boolean v : (boolean[]) t.array()) {
                    out.room(1).put((byte) (v ? 1 : 0));
                }
            }
        }
    }

    /** Reads {@code type}'s elements; {@code name} and {@code file} only label errors. */
    static HostTensor decode(TensorType type, ChunkSource in, String name, Path file) throws IOException {
        int count = (int) type.shape().size();
        Object array = switch (type.dtype()) {
            case F32 -> {
                float[] a = new float[count];
                for (int i = 0; i < count; ) {
                    ByteBuffer b = in.next(4);
                    int n = Math.min(count - i, b.remaining() / 4);
                    b.asFloatBuffer().get(a, i, n);
                    b.position(b.position() + 4 * n);
                    i += n;
                }
                yield a;
            }
            case F64 -> {
                double[] a = new double[count];
                for (int i = 0; i < count; ) {
                    ByteBuffer b = in.next(8);
                    int n = Math.min(count - i, b.remaining() / 8);
                    b.asDoubleBuffer().get(a, i, n);
                    b.position(b.position() + 8 * n);
                    i += n;
                }
                yield a;
            }
            case I32 -> {
                int[] a = new int[count];
                for (int i = 0; i < count; ) {
                    ByteBuffer b = in.next(4);
                    int n = Math.min(count - i, b.remaining() / 4);
                    b.asIntBuffer().get(a, i, n);
                    b.position(b.position() + 4 * n);
                    i += n;
                }
                yield a;
            }
            case I64 -> {
                long[] a = new long[count];
                for (int i = 0; i < count; ) {
                    ByteBuffer b = in.next(8);
                    int n = Math.min(count - i, b.remaining() / 8);
                    b.asLongBuffer().get(a, i, n);
                    b.position(b.position() + 8 * n);
                    i += n;
                }
                yield a;
            }
            case BF16 -> {
                float[] a = new float[count];
                for (int i = 0; i < count; i++) {
                    a[i] = HalfFloats.fromBf16(in.next(2).getShort());
                }
                yield a;
            }
            case F16 -> {
                float[] a = new float[count];
                for (int i = 0; i < count; i++) {
                    a[i] = HalfFloats.fromF16(in.next(2).getShort());
                }
                yield a;
            }
            case BOOL -> {
                boolean[] a = new boolean[count];
                for (int i = 0; i < count; i++) {
                    byte v = in.next(1).get();
                    if (v != 0 && v != 1) {
                        throw new CorruptCheckpointException(file, "tensor '" + name + "' element " + i
                                + " is byte " + (v & 0xff) + "; BOOL elements must be 0 or 1");
                    }
                    a[i] = v == 1;
                }
                yield a;
            }
        };
        return HostTensor.wrap(type, array);
    }
}
