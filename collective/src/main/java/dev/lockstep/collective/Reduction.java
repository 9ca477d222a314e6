package dev.lockstep.collective;

import dev.lockstep.tensor.DType;
import java.nio.ByteBuffer;

/** Element-wise {@code acc[i] = received[i] + acc[i]} over little-endian buffers, per dtype. */
enum Reduction {
    F32 {
        @Override
        void add(ByteBuffer acc, int accByte, ByteBuffer received, int count) {
            for (int i = 0; i < count; i++) {
                int a = accByte + 4 * i;
                acc.putFloat(a, received.getFloat(4 * i) + acc.getFloat(a));
            }
        }
    },
    F64 {
        @Override
        void add(ByteBuffer acc, int accByte, ByteBuffer received, int count) {
            for (int i = 0; i < count; i++) {
                int a = accByte + 8 * i;
                acc.putDouble(a, received.getDouble(8 * i) + acc.getDouble(a));
            }
        }
    },
    I32 {
        @Override
        void add(ByteBuffer acc, int accByte, ByteBuffer received, int count) {
            for (int i = 0; i < count; i++) {
                int a = accByte + 4 * i;
                acc.putInt(a, received.getInt(4 * i) + acc.getInt(a));
            }
        }
    },
    I64 {
        @Override
        void add(ByteBuffer acc, int accByte, ByteBuffer received, int count) {
            for (int i = 0; i < count; i++) {
                int a = accByte + 8 * i;
                acc.putLong(a, received.getLong(8 * i) + acc.getLong(a));
            }
        }
    };

    /** Adds {@code count} elements of {@code received} (from its index 0) into {@code acc} at {@code accByte}. */
    abstract void add(ByteBuffer acc, int accByte, ByteBuffer received, int count);

    static Reduction of(DType dtype) {
        return switch (dtype) {
            case F32 -> F32;
            case F64 -> F64;
            case I32 -> I32;
            case I64 -> I64;
            case BF16, F16, BOOL -> throw new IllegalArgumentException(
                    "all-reduce supports f32, f64, i32 and i64 buckets, not " + dtype);
        };
    }
}
