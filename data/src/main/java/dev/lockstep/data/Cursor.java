package dev.lockstep.data;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.lockstep.proto.v1.DataCursor;
import dev.lockstep.proto.v1.StageCursor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The position of a pipeline between two elements: one small {@code long[]} per stage (source first), plus
 * the pipeline's description so a cursor is never applied to a different pipeline. Saved in checkpoints
 * as a JSON-friendly map ({@link #toMap()}) or as bytes of the {@code lockstep.v1.DataCursor} message.
 */
public record Cursor(String pipeline, long[][] stages) {
    public Cursor {
        Objects.requireNonNull(pipeline, "pipeline");
        stages = deepCopy(stages);
    }

    @Override
    public long[][] stages() {
        return deepCopy(stages);
    }

    /** {@code {"pipeline": String, "stages": List<List<Long>>}}. */
    public Map<String, Object> toMap() {
        List<List<Long>> rows = new ArrayList<>();
        for (long[] s : stages) {
            rows.add(Arrays.stream(s).boxed().toList());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pipeline", pipeline);
        m.put("stages", rows);
        return m;
    }

    /** Inverse of {@link #toMap()}; accepts any integral {@link Number} (JSON readers differ in which). */
    public static Cursor fromMap(Map<String, ?> map) {
        if (!(map.get("pipeline") instanceof String p)) {
            throw new IllegalArgumentException("data cursor: field 'pipeline' must be a string, got "
                    + map.get("pipeline"));
        }
        if (!(map.get("stages") instanceof List<?> rows)) {
            throw new IllegalArgumentException("data cursor: field 'stages' must be a list, got " + map.get("stages"));
        }
        long[][] stages = new long[rows.size()][];
        for (int i = 0; i < stages.length; i++) {
            if (!(rows.get(i) instanceof List<?> row)) {
                throw new IllegalArgumentException("data cursor: stages[" + i + "] must be a list, got " + rows.get(i));
            }
            stages[i] = new long[row.size()];
            for (int j = 0; j < row.size(); j++) {
                stages[i][j] = integral(row.get(j), "stages[" + i + "][" + j + "]");
            }
        }
        return new Cursor(p, stages);
    }

    public DataCursor toProto() {
        DataCursor.Builder b = DataCursor.newBuilder().setPipeline(pipeline);
        for (long[] s : stages) {
            b.addStages(StageCursor.newBuilder().addAllValues(Arrays.stream(s).boxed().toList()));
        }
        return b.build();
    }

    public static Cursor fromProto(DataCursor proto) {
        long[][] stages = new long[proto.getStagesCount()][];
        for (int i = 0; i < stages.length; i++) {
            stages[i] = proto.getStages(i).getValuesList().stream().mapToLong(Long::longValue).toArray();
        }
        return new Cursor(proto.getPipeline(), stages);
    }

    public byte[] toBytes() {
        return toProto().toByteArray();
    }

    public static Cursor fromBytes(byte[] bytes) {
        try {
            return fromProto(DataCursor.parseFrom(bytes));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("data cursor: not a lockstep.v1.DataCursor message ("
                    + bytes.length + " bytes): " + e.getMessage(), e);
        }
    }

    private static long integral(Object v, String field) {
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && Math.abs(n.doubleValue()) < 0x1p53) {
            return n.longValue();
        }
        throw new IllegalArgumentException("data cursor: " + field + " must be an integer, got " + v);
    }

    private static long[][] deepCopy(long[][] a) {
        long[][] c = new long[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cursor c && pipeline.equals(c.pipeline) && Arrays.deepEquals(stages, c.stages);
    }

    @Override
    public int hashCode() {
        return pipeline.hashCode() * 31 + Arrays.deepHashCode(stages);
    }

    @Override
    public String toString() {
        return "Cursor(" + pipeline + ", " + Arrays.deepToString(stages) + ")";
    }
}
