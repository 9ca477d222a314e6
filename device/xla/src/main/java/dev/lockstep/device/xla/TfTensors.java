package dev.lockstep.device.xla;

import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.BooleanNdArray;
import org.tensorflow.ndarray.DoubleNdArray;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.LongNdArray;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/** Conversions between host tensors (Java arrays) and TensorFlow tensors, which TF owns natively. */
final class TfTensors {
    private TfTensors() {}

    static DataType dataType(DType d) {
        return switch (d) {
            case F32 -> DataType.DT_FLOAT;
            case F64 -> DataType.DT_DOUBLE;
            case BF16 -> DataType.DT_BFLOAT16;
            case F16 -> DataType.DT_HALF;
            case I32 -> DataType.DT_INT32;
            case I64 -> DataType.DT_INT64;
            case BOOL -> DataType.DT_BOOL;
        };
    }

    static Shape shape(TensorType t) {
        long[] dims = new long[t.rank()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = t.shape().dim(i);
        }
        return Shape.of(dims);
    }

    /** A new TF tensor holding a copy of {@code h}; the caller closes it. */
    static Tensor toTf(HostTensor h) {
        Shape s = shape(h.type());
        Object a = h.array();
        return switch (h.dtype()) {
            case F32 -> TFloat32.tensorOf(s, DataBuffers.of((float[]) a, true, false));
            case BF16 -> TBfloat16.tensorOf(s, DataBuffers.of((float[]) a, true, false));
            case F16 -> TFloat16.tensorOf(s, DataBuffers.of((float[]) a, true, false));
            case F64 -> TFloat64.tensorOf(s, DataBuffers.of((double[]) a, true, false));
            case I32 -> TInt32.tensorOf(s, DataBuffers.of((int[]) a, true, false));
            case I64 -> TInt64.tensorOf(s, DataBuffers.of((long[]) a, true, false));
            case BOOL -> TBool.tensorOf(s, DataBuffers.of((boolean[]) a, true, false));
        };
    }

    /** Copies {@code t} into the backing array of {@code out}, which has the tensor's type. */
    static void copyInto(Tensor t, HostTensor out) {
        Object a = out.array();
        switch (out.dtype()) {
            case F32, BF16, F16 -> ((FloatNdArray) t).copyTo(DataBuffers.of((float[]) a, false, false));
            case F64 -> ((DoubleNdArray) t).copyTo(DataBuffers.of((double[]) a, false, false));
            case I32 -> ((IntNdArray) t).copyTo(DataBuffers.of((int[]) a, false, false));
            case I64 -> ((LongNdArray) t).copyTo(DataBuffers.of((long[]) a, false, false));
            case BOOL -> ((BooleanNdArray) t).copyTo(DataBuffers.of((boolean[]) a, false, false));
        }
    }
}
