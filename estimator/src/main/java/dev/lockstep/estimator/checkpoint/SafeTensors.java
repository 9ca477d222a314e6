package dev.lockstep.estimator.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The safetensors format (https://github.com/huggingface/safetensors), so PyTorch, JAX and Hugging Face
 * tools read Lockstep checkpoints directly: an 8-byte little-endian header length N, N bytes of UTF-8
 * JSON ({@code {"name": {"dtype", "shape", "data_offsets"}, "__metadata__": {...}}}) padded with spaces
 * to a multiple of 8, then the tensors' little-endian bytes, contiguous in offset order.
 */
public final class SafeTensors {
    /** The reference implementation refuses larger headers; so do we, before allocating one. */
    static final long MAX_HEADER_BYTES = 100_000_000;

    /** A file's tensors by name (sorted) and its string metadata. */
    public record Contents(Map<String, HostTensor> tensors, Map<String, String> metadata) {
        public Contents {
            tensors = Collections.unmodifiableSortedMap(new TreeMap<>(tensors));
            metadata = Collections.unmodifiableSortedMap(new TreeMap<>(metadata));
        }
    }

    private SafeTensors() {
    }

    /** Writes (and fsyncs) {@code file}, replacing it; not atomic: {@link CheckpointStore} adds that. */
    public static void write(Path file, Map<String, HostTensor> tensors, Map<String, String> metadata)
            throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            write(ch, tensors, metadata, null);
            ch.force(true);
        }
    }

    /** Writes the whole file to {@code ch}, feeding every byte to {@code digest} if not null; returns its size. */
    static long write(WritableByteChannel ch, Map<String, HostTensor> tensors, Map<String, String> metadata,
                      MessageDigest digest) throws IOException {
        // Widest dtypes first, then by name: every tensor starts aligned to its element size (as the
        // reference writer does), so readers can map the file without copying.
        List<Map.Entry<String, HostTensor>> order = new ArrayList<>(tensors.entrySet());
        order.sort(Comparator.comparingInt((Map.Entry<String, HostTensor> e) -> -e.getValue().dtype().byteSize())
                .thenComparing(Map.Entry::getKey));
        ObjectNode header = Json.MAPPER.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = header.putObject(SafeTensorsHeader.METADATA_KEY);
            // Sorted, so the same checkpoint always has the same bytes (a Map.of would not be).
            new TreeMap<>(metadata).forEach((k, v) -> m.put(Objects.requireNonNull(k, "metadata key"),
                    Objects.requireNonNull(v, () -> "metadata value of " + k)));
        }
        long offset = 0;
        for (Map.Entry<String, HostTensor> e : order) {
            String name = e.getKey();
            if (name.isEmpty() || name.equals(SafeTensorsHeader.METADATA_KEY)) {
                throw new IllegalArgumentException("tensor name '" + name + "' is reserved or empty");
            }
            TensorType type = e.getValue().type();
            ObjectNode t = header.putObject(name);
            t.put("dtype", SafeTensorsHeader.dtypeName(type.dtype()));
            ArrayNode shape = t.putArray("shape");
            for (int d : type.shape().dims()) {
                shape.add(d);
            }
            long bytes = type.shape().size() * type.dtype().byteSize();
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json;
        try {
            json = Json.MAPPER.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a safetensors header", e);
        }
        int padded = (json.length + 7) & ~7;
        ChunkSink sink = new ChunkSink(ch, digest);
        sink.room(8).putLong(padded);
        sink.put(json);
        for (int i = json.length; i < padded; i++) {
            sink.room(1).put((byte) ' ');
        }
        for (Map.Entry<String, HostTensor> e : order) {
            TensorCodec.encode(e.getValue(), sink);
        }
        sink.flush();
        return sink.written();
    }

    public static Contents read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(ch, file);
        }
    }

    /** Reads and validates the whole file; every error names {@code file} and the tensor or field at fault. */
    static Contents read(FileChannel ch, Path file) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw new CorruptCheckpointException(file, "file is " + size
                    + " bytes; a safetensors file starts with an 8-byte header length");
        }
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, len, 0, file);
        long n = len.flip().getLong();
        if (n < 2 || n > MAX_HEADER_BYTES) {
            throw new CorruptCheckpointException(file, "header length " + Long.toUnsignedString(n)
                    + " is outside [2, " + MAX_HEADER_BYTES + "]");
        }
        if (n > size - 8) {
            throw new CorruptCheckpointException(file, "header length " + n + " runs past the end of the "
                    + size + "-byte file (truncated?)");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) n);
        readFully(ch, headerBytes, 8, file);
        SafeTensorsHeader header = SafeTensorsHeader.parse(headerBytes.array(), file, size - 8 - n);
        ChunkSource source = new ChunkSource(ch, file, 8 + n);
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (SafeTensorsHeader.Entry e : header.entries()) {
            tensors.put(e.name(), TensorCodec.decode(new TensorType(e.dtype(), e.shape()), source, e.name(), file));
        }
        return new Contents(tensors, header.metadata());
    }

    private static void readFully(FileChannel ch, ByteBuffer dst, long position, Path file) throws IOException {
        while (dst.hasRemaining()) {
            int r = ch.read(dst, position);
            if (r < 0) {
                throw new CorruptCheckpointException(file, "file ended at byte " + position);
            }
            position += r;
        }
    }
}
