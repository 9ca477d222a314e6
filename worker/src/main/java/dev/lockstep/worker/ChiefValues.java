package dev.lockstep.worker;

import dev.lockstep.collective.AllReducer;
import dev.lockstep.collective.BucketLayout;
import dev.lockstep.collective.TensorSpec;
import dev.lockstep.data.Cursor;
import dev.lockstep.estimator.TrainingState;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rank 0's values on every rank, bitwise, through the all-reduce: rank 0 contributes its values and
 * every other rank the additive identity that is exact for every value, {@code -0.0} for floating point
 * ({@code x + -0.0 == x} bit for bit, {@code -0.0} and NaN included; {@code +0.0} would turn a
 * {@code -0.0} into {@code +0.0}) and 0 for integers. Booleans travel as 0/1 integers. The layout is
 * the values' paths in the order given, which every rank builds identically.
 *
 * <p>A training state goes in two rounds: first its position (step, epoch, the data cursor's length),
 * then the values with the cursor's bytes, whose length every rank now knows.
 */
final class ChiefValues {
    private static final String POSITION = "lockstep/position";
    private static final String CURSOR = "lockstep/data_cursor";

    private ChiefValues() {}

    static TrainingState broadcast(AllReducer reducer, int rank, TrainingState state, long bucketCapBytes) {
        byte[] cursor = state.cursor() == null ? new byte[0] : state.cursor().toBytes();
        long[] position = (long[]) broadcast(reducer, rank, Map.of(POSITION, HostTensor.ofLongs(
                new long[] {state.step(), state.epoch(), state.cursor() == null ? -1 : cursor.length}, 3)),
                bucketCapBytes).get(POSITION).array();
        int cursorBytes = Math.toIntExact(position[2]); // the chief's; -1: it has no position yet
        Map<String, HostTensor> values = new LinkedHashMap<>(state.values());
        if (cursorBytes > 0) {
            long[] words = new long[(cursorBytes + 7) / 8];
            if (rank == 0) {
                ByteBuffer.wrap(Arrays.copyOf(cursor, words.length * 8)).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer()
                        .get(words);
            }
            values.put(CURSOR, HostTensor.ofLongs(words, words.length));
        }
        Map<String, HostTensor> got = broadcast(reducer, rank, values, bucketCapBytes);
        Cursor chiefCursor = null;
        if (cursorBytes >= 0) {
            ByteBuffer bytes = ByteBuffer.allocate(((cursorBytes + 7) / 8) * 8).order(ByteOrder.LITTLE_ENDIAN);
            if (cursorBytes > 0) {
                bytes.asLongBuffer().put((long[]) got.remove(CURSOR).array());
            }
            chiefCursor = Cursor.fromBytes(Arrays.copyOf(bytes.array(), cursorBytes));
        }
        return new TrainingState(got, position[0], chiefCursor, position[1]);
    }

    static Map<String, HostTensor> broadcast(AllReducer reducer, int rank, Map<String, HostTensor> values,
                                             long bucketCapBytes) {
        List<TensorSpec> specs = new ArrayList<>(values.size());
        Map<String, ByteBuffer> buffers = new LinkedHashMap<>();
        for (Map.Entry<String, HostTensor> e : values.entrySet()) {
            HostTensor wire = onWire(e.getValue(), rank == 0);
            specs.add(new TensorSpec(e.getKey(), wire.dtype(), wire.size()));
            ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(HostTensor.littleEndianBytes(wire.type())))
                    .order(ByteOrder.LITTLE_ENDIAN);
            wire.putLittleEndian(b);
            buffers.put(e.getKey(), b);
        }
        reducer.reduce(BucketLayout.of(specs, bucketCapBytes), buffers);
        Map<String, HostTensor> out = new LinkedHashMap<>();
        values.forEach((path, v) -> out.put(path, fromWire(v.type(), buffers.get(path))));
        return out;
    }

    /** What a rank adds: the chief its values (booleans as 0/1 ints), the others the exact additive identity. */
    private static HostTensor onWire(HostTensor v, boolean chief) {
        TensorType wire = v.type().withDType(wireType(v.dtype()));
        return switch (v.array()) {
            case float[] f -> chief ? HostTensor.wrap(wire, f) : HostTensor.wrap(wire, filled(f.length));
            case double[] d -> {
                double[] z = new double[d.length];
                Arrays.fill(z, -0.0);
                yield chief ? v : HostTensor.wrap(wire, z);
            }
            case boolean[] z -> {
                int[] bits = new int[z.length];
                for (int i = 0; chief && i < z.length; i++) {
                    bits[i] = z[i] ? 1 : 0;
                }
                yield HostTensor.wrap(wire, bits);
            }
            default -> chief ? v : HostTensor.zeros(wire);
        };
    }

    private static HostTensor fromWire(TensorType type, ByteBuffer b) {
        HostTensor wire = HostTensor.fromLittleEndian(type.withDType(wireType(type.dtype())), b);
        if (type.dtype() != DType.BOOL) {
            return HostTensor.wrap(type, wire.array()); // bf16 and f16 hold f32 on the host, as on the wire
        }
        int[] bits = (int[]) wire.array();
        boolean[] z = new boolean[bits.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = bits[i] != 0;
        }
        return HostTensor.wrap(type, z);
    }

    private static DType wireType(DType d) {
        return switch (d) {
            case F32, BF16, F16 -> DType.F32;
            case F64 -> DType.F64;
            case I32, BOOL -> DType.I32;
            case I64 -> DType.I64;
        };
    }

    private static float[] filled(int n) {
        float[] f = new float[n];
        Arrays.fill(f, -0.0f);
        return f;
    }
}
