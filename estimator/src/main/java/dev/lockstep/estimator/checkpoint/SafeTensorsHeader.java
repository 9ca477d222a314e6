package dev.lockstep.estimator.checkpoint;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.Shape;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Parses and validates a safetensors JSON header against the size of the data section that follows it. */
record SafeTensorsHeader(List<Entry> entries, Map<String, String> metadata) {
    static final String METADATA_KEY = "__metadata__";
    private static final Set<String> ENTRY_FIELDS = Set.of("dtype", "shape", "data_offsets");

    /** One tensor's header record; {@code begin}/{@code end} are relative to the data section. */
    record Entry(String name, DType dtype, Shape shape, long begin, long end) {
    }

    static String dtypeName(DType d) {
        return switch (d) {
            case F32 -> "F32";
            case F64 -> "F64";
            case BF16 -> "BF16";
            case F16 -> "F16";
            case I32 -> "I32";
            case I64 -> "I64";
            case BOOL -> "BOOL";
        };
    }

    private static DType parseDtype(String s) {
        for (DType d : DType.values()) {
            if (dtypeName(d).equals(s)) {
                return d;
            }
        }
        return null;
    }

    /** Parses {@code bytes} (the header) of {@code file}, whose data section holds {@code dataBytes} bytes. */
    static SafeTensorsHeader parse(byte[] bytes, Path file, long dataBytes) throws CorruptCheckpointException {
        if (bytes.length == 0 || bytes[0] != '{') {
            throw new CorruptCheckpointException(file, "safetensors header does not start with '{'");
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Json.utf8(bytes));
        } catch (CharacterCodingException e) {
            throw new CorruptCheckpointException(file, "safetensors header is not valid UTF-8", e);
        } catch (JacksonException e) {
            throw new CorruptCheckpointException(file, "safetensors header is not well-formed JSON: "
                    + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new CorruptCheckpointException(file, "safetensors header is not a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals(METADATA_KEY)) {
                parseMetadata(f.getValue(), file, metadata);
            } else {
                entries.add(parseEntry(f.getKey(), f.getValue(), file));
            }
        }
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        checkContiguous(entries, file, dataBytes);
        return new SafeTensorsHeader(List.copyOf(entries), Map.copyOf(metadata));
    }

    private static void parseMetadata(JsonNode node, Path file, Map<String, String> out)
            throws CorruptCheckpointException {
        if (!node.isObject()) {
            throw new CorruptCheckpointException(file, METADATA_KEY + " must be an object of strings, got "
                    + node.getNodeType());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            if (!m.getValue().isTextual()) {
                throw new CorruptCheckpointException(file, METADATA_KEY + "." + m.getKey()
                        + " must be a string, got " + m.getValue().getNodeType());
            }
            out.put(m.getKey(), m.getValue().textValue());
        }
    }

    private static Entry parseEntry(String name, JsonNode node, Path file) throws CorruptCheckpointException {
        String where = "tensor '" + name + "'";
        if (!node.isObject()) {
            throw new CorruptCheckpointException(file, where + " must be an object, got " + node.getNodeType());
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!ENTRY_FIELDS.contains(field)) {
                throw new CorruptCheckpointException(file, where + " has unknown field '" + field
                        + "'; expected " + ENTRY_FIELDS);
            }
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new CorruptCheckpointException(file, where + ": field 'dtype' is missing or not a string");
        }
        DType dtype = parseDtype(dtypeNode.textValue());
        if (dtype == null) {
            throw new CorruptCheckpointException(file, where + ": dtype '" + dtypeNode.textValue()
                    + "' is not supported; Lockstep reads F32, F64, BF16, F16, I32, I64 and BOOL");
        }
        JsonNode shapeNode = node.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw new CorruptCheckpointException(file, where + ": field 'shape' is missing or not an array");
        }
        int[] dims = new int[shapeNode.size()];
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 0) {
                throw new CorruptCheckpointException(file, where + ": shape[" + i + "] = " + d
                        + " is not a non-negative 32-bit integer");
            }
            dims[i] = d.intValue();
            // Saturate at 2^31 so the product cannot overflow; a later zero dimension still yields 0.
            count = Math.min(count * dims[i], 1L << 31);
        }
        if (count > Integer.MAX_VALUE) {
            throw new CorruptCheckpointException(file, where + ": shape " + shapeNode
                    + " has more elements than a host tensor can hold (2^31 - 1)");
        }
        JsonNode off = node.get("data_offsets");
        if (off == null || !off.isArray() || off.size() != 2) {
            throw new CorruptCheckpointException(file, where + ": field 'data_offsets' must be [begin, end]");
        }
        long[] be = new long[2];
        for (int i = 0; i < 2; i++) {
            JsonNode o = off.get(i);
            if (!o.isIntegralNumber() || !o.canConvertToLong() || o.longValue() < 0) {
                throw new CorruptCheckpointException(file, where + ": data_offsets[" + i + "] = " + o
                        + " is not a non-negative 64-bit integer");
            }
            be[i] = o.longValue();
        }
        if (be[1] < be[0]) {
            throw new CorruptCheckpointException(file, where + ": data_offsets " + off + " end before they begin");
        }
        long needed = count * dtype.byteSize();
        if (be[1] - be[0] != needed) {
            throw new CorruptCheckpointException(file, where + ": data_offsets " + off + " span "
                    + (be[1] - be[0]) + " bytes but " + dtypeName(dtype) + " shape " + shapeNode + " needs "
                    + needed);
        }
        return new Entry(name, dtype, Shape.of(dims), be[0], be[1]);
    }

    /** The spec requires tensors to tile the data section exactly: no gaps, no overlap, no trailing bytes. */
    private static void checkContiguous(List<Entry> sorted, Path file, long dataBytes)
            throws CorruptCheckpointException {
        long expected = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin() < expected) {
                throw new CorruptCheckpointException(file, "tensor '" + e.name() + "' data_offsets ["
                        + e.begin() + ", " + e.end() + "] overlap tensor '" + previous.name() + "' ["
                        + previous.begin() + ", " + previous.end() + "]");
            }
            if (e.begin() > expected) {
                throw new CorruptCheckpointException(file, "gap of " + (e.begin() - expected)
                        + " bytes before tensor '" + e.name() + "' at data offset " + expected);
            }
            expected = e.end();
            previous = e;
        }
        if (expected > dataBytes) {
            throw new CorruptCheckpointException(file, "header describes " + expected + " data bytes but the file "
                    + "holds " + dataBytes + " after the header (truncated?)"
                    + (previous == null ? "" : "; the last tensor is '" + previous.name() + "'"));
        }
        if (expected < dataBytes) {
            throw new CorruptCheckpointException(file, (dataBytes - expected) + " unexpected bytes after the last "
                    + "tensor" + (previous == null ? "" : " '" + previous.name() + "'") + " (data section is "
                    + dataBytes + " bytes, header describes " + expected + ")");
        }
    }
}
