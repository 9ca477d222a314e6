package dev.lockstep.collective;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.lockstep.proto.v1.ChunkHeader;
import io.grpc.Drainable;
import io.grpc.HasByteBuffer;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Writes and reads {@code lockstep.v1.Chunk} (field 1: header, field 2: data) without a protobuf message
 * around the payload. Outbound the payload is drained from the caller's buffer straight into the framer's
 * (Netty) output; inbound it is copied once, from Netty's buffers into a pooled heap buffer (see
 * {@link #readPayload}).
 */
final class ChunkMarshaller implements MethodDescriptor.Marshaller<WireChunk> {
    private static final int HEADER_TAG = (1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    private static final int DATA_TAG = (2 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;

    private final BufferPool pool;
    private final int maxMessageBytes;
    private final LongAdder viaByteBuffer = new LongAdder();
    private final LongAdder viaRead = new LongAdder();

    ChunkMarshaller(BufferPool pool) {
        this(pool, Integer.MAX_VALUE);
    }

    /** {@code maxMessageBytes}: no field of a message can be longer, whatever length it declares. */
    ChunkMarshaller(BufferPool pool, int maxMessageBytes) {
        this.pool = pool;
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public InputStream stream(WireChunk chunk) {
        ChunkHeader header = ChunkHeader.newBuilder()
                .setFromRank(chunk.fromRank())
                .setOperation(chunk.tag().operation())
                .setBucket(chunk.tag().bucket())
                .setStep(chunk.tag().step())
                .setPart(chunk.tag().part())
                .setAbort(chunk.abort())
                .build();
        int length = chunk.data().remaining();
        byte[] prefix = new byte[CodedOutputStream.computeMessageSize(1, header)
                + CodedOutputStream.computeTagSize(2) + CodedOutputStream.computeUInt32SizeNoTag(length)];
        CodedOutputStream out = CodedOutputStream.newInstance(prefix);
        try {
            out.writeMessage(1, header);
            out.writeTag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(length);
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ChunkStream(prefix, chunk.data().duplicate());
    }

    @Override
    public WireChunk parse(InputStream in) {
        try {
            ChunkHeader header = null;
            ByteBuffer data = null;
            int first;
            while ((first = in.read()) != -1) {
                int tag = CodedInputStream.readRawVarint32(first, in);
                int length = readLength(in, maxMessageBytes);
                if (tag == HEADER_TAG) {
                    header = ChunkHeader.parseFrom(in.readNBytes(length));
                } else if (tag == DATA_TAG) {
                    data = readPayload(in, length);
                } else {
                    throw new IOException("unexpected field tag " + tag + " in a lockstep.v1.Chunk");
                }
            }
            if (header == null) {
                throw new IOException("lockstep.v1.Chunk without a header");
            }
            if (data == null) {
                data = ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
            }
            return new WireChunk(header.getFromRank(),
                    new ChunkTag(header.getOperation(), header.getBucket(), header.getStep(), header.getPart()), data,
                    header.getAbort());
        } catch (IOException e) {
            throw io.grpc.Status.INTERNAL.withDescription("bad lockstep.v1.Chunk: " + e.getMessage())
                    .withCause(e).asRuntimeException();
        }
    }

    /** A field's length, never more than the message holds: a peer's lie must not size an allocation. */
    private static int readLength(InputStream in, int maxMessageBytes) throws IOException {
        int first = in.read();
        if (first == -1) {
            throw new IOException("truncated lockstep.v1.Chunk");
        }
        int length = CodedInputStream.readRawVarint32(first, in);
        if (length < 0) {
            throw new IOException("negative field length " + length);
        }
        int left = in instanceof KnownLength ? in.available() : maxMessageBytes;
        if (length > left) {
            throw new IOException("a field of " + length + " bytes in a message with " + left + " bytes left");
        }
        return length;
    }

    /**
     * The payload, copied once into a pooled buffer: straight out of the stream's own (Netty's) buffers
     * where it offers them ({@link HasByteBuffer}, gRPC-Java 1.39+), else through {@code read} into the
     * pooled buffer's array. Either way no intermediate {@code byte[]}.
     */
    private ByteBuffer readPayload(InputStream in, int length) throws IOException {
        ByteBuffer data = pool.take(length);
        int got = 0;
        if (in instanceof HasByteBuffer hb && hb.byteBufferSupported()) {
            while (got < length) {
                ByteBuffer src = hb.getByteBuffer();
                if (src == null || !src.hasRemaining()) {
                    break;
                }
                int n = Math.min(src.remaining(), length - got);
                data.put(got, src, src.position(), n);
                in.skipNBytes(n);
                got += n;
            }
            viaByteBuffer.add(got);
        }
        if (in.readNBytes(data.array(), data.arrayOffset() + got, length - got) != length - got) {
            throw new IOException("truncated chunk payload: expected " + length + " bytes");
        }
        viaRead.add(length - got);
        return data.clear();
    }

    /** Payload bytes copied out of the streams' own buffers ({@link HasByteBuffer}). */
    long payloadBytesViaByteBuffer() {
        return viaByteBuffer.sum();
    }

    /** Payload bytes copied through {@link InputStream#read(byte[], int, int)} (the fallback). */
    long payloadBytesViaRead() {
        return viaRead.sum();
    }

    /** The framed message: a small header prefix, then the caller's payload, drained without a copy. */
    private static final class ChunkStream extends InputStream implements KnownLength, Drainable {
        private final byte[] prefix;
        private final ByteBuffer data;
        private int prefixRead;

        ChunkStream(byte[] prefix, ByteBuffer data) {
            this.prefix = prefix;
            this.data = data;
        }

        @Override
        public int available() {
            return prefix.length - prefixRead + data.remaining();
        }

        @Override
        public int read() {
            if (prefixRead < prefix.length) {
                return prefix[prefixRead++] & 0xff;
            }
            return data.hasRemaining() ? data.get() & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            int n = 0;
            if (prefixRead < prefix.length) {
                n = Math.min(len, prefix.length - prefixRead);
                System.arraycopy(prefix, prefixRead, b, off, n);
                prefixRead += n;
            }
            int m = Math.min(len - n, data.remaining());
            data.get(b, off + n, m);
            n += m;
            return n == 0 ? -1 : n;
        }

        @Override
        public int drainTo(OutputStream target) throws IOException {
            int total = available();
            target.write(prefix, prefixRead, prefix.length - prefixRead);
            prefixRead = prefix.length;
            if (data.hasArray()) {
                target.write(data.array(), data.arrayOffset() + data.position(), data.remaining());
                data.position(data.limit());
            } else {
                byte[] staging = new byte[Math.min(data.remaining(), 64 << 10)];
                while (data.hasRemaining()) {
                    int n = Math.min(staging.length, data.remaining());
                    data.get(staging, 0, n);
                    target.write(staging, 0, n);
                }
            }
            return total;
        }
    }
}
