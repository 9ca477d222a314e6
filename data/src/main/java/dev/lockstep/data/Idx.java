package dev.lockstep.data;

import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the MNIST format: magic {@code 00 00 type rank}, big-endian int32 dims, big-endian
 * data), gzipped or not (detected from the gzip magic, not the name). Bytes and shorts widen to i32,
 * float to f32, double to f64; normalise in a map.
 */
public final class Idx {
    private Idx() {}

    public static HostTensor read(Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            boolean gz = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            try (DataInputStream in = new DataInputStream(
                    new BufferedInputStream(gz ? new GZIPInputStream(raw) : raw, 1 << 16))) {
                return read(in, file + (gz ? " (gzip)" : ""));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("IDX " + file + ": " + e.getMessage(), e);
        }
    }

    private static HostTensor read(DataInputStream in, String where) throws IOException {
        int magic = in.readInt();
        int type = (magic >>> 8) & 0xff;
        int rank = magic & 0xff;
        if ((magic >>> 16) != 0 || rank == 0) {
            throw new IllegalArgumentException(String.format("IDX %s at byte offset 0: bad magic %08x, expected "
                    + "00 00 <type> <rank> with rank >= 1; is this an IDX file?", where, magic));
        }
        int[] dims = new int[rank];
        long n = 1;
        for (int i = 0; i < rank; i++) {
            dims[i] = in.readInt();
            if (dims[i] < 0) {
                throw new IllegalArgumentException("IDX " + where + " at byte offset " + (4 + 4 * i) + ": dimension "
                        + i + " is negative (" + dims[i] + ")");
            }
            n *= dims[i];
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("IDX " + where + ": " + n + " elements exceed one Java array");
        }
        long dataStart = 4 + 4L * rank;
        int size = (int) n;
        int i = 0;
        try {
            switch (type) {
                case 0x08, 0x09 -> {
                    // Bytes in blocks: per-byte reads through the stream chain cost more than inflating.
                    int[] v = new int[size];
                    byte[] block = new byte[1 << 16];
                    while (i < size) {
                        int got = in.read(block, 0, Math.min(block.length, size - i));
                        if (got < 0) {
                            throw new EOFException();
                        }
                        int mask = type == 0x08 ? 0xFF : -1;
                        for (int k = 0; k < got; k++) {
                            v[i + k] = block[k] & mask;
                        }
                        i += got;
                    }
                    return HostTensor.wrap(TensorType.of(DType.I32, dims), v);
                }
                case 0x0B, 0x0C -> {
                    int[] v = new int[size];
                    for (; i < size; i++) {
                        v[i] = type == 0x0B ? in.readShort() : in.readInt();
                    }
                    return HostTensor.wrap(TensorType.of(DType.I32, dims), v);
                }
                case 0x0D -> {
                    float[] v = new float[size];
                    for (; i < size; i++) {
                        v[i] = in.readFloat();
                    }
                    return HostTensor.wrap(TensorType.of(DType.F32, dims), v);
                }
                case 0x0E -> {
                    double[] v = new double[size];
                    for (; i < size; i++) {
                        v[i] = in.readDouble();
                    }
                    return HostTensor.wrap(TensorType.of(DType.F64, dims), v);
                }
                default -> throw new IllegalArgumentException(String.format("IDX %s at byte offset 2: unknown "
                        + "element type 0x%02x (known: 08 ubyte, 09 byte, 0B short, 0C int, 0D float, 0E double)",
                        where, type));
            }
        } catch (EOFException e) {
            long width = switch (type) {
                case 0x08, 0x09 -> 1;
                case 0x0B -> 2;
                case 0x0C, 0x0D -> 4;
                default -> 8;
            };
            throw new IllegalArgumentException("IDX " + where + " at byte offset " + (dataStart + i * width)
                    + " (uncompressed): truncated, element " + i + " of " + size + " is missing", e);
        }
    }
}
