package dev.lockstep.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.lockstep.proto.v1.Chunk;
import dev.lockstep.proto.v1.ChunkHeader;
import io.grpc.Drainable;
import io.grpc.HasByteBuffer;
import io.grpc.KnownLength;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hand-written framing is the wire format of lockstep.v1.Chunk, both ways. */
class ChunkMarshallerTest {
    private final ChunkMarshaller marshaller = new ChunkMarshaller(new BufferPool(0));

    private static byte[] payload(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    private static Chunk proto(int from, ChunkTag tag, byte[] data) {
        return Chunk.newBuilder()
                .setHeader(ChunkHeader.newBuilder().setFromRank(from).setOperation(tag.operation())
                        .setBucket(tag.bucket()).setStep(tag.step()).setPart(tag.part()))
                .setData(ByteString.copyFrom(data))
                .build();
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 127, 128, 70_000})
    void drainedBytesParseAsTheProtoMessage(int n) throws IOException {
        ChunkTag tag = new ChunkTag(1L << 40, 3, 5, 300);
        byte[] data = payload(n);
        InputStream stream = marshaller.stream(new WireChunk(2, tag, ByteBuffer.wrap(data)));
        int known = ((KnownLength) stream).available();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(known, ((Drainable) stream).drainTo(out));
        assertEquals(proto(2, tag, data), Chunk.parseFrom(out.toByteArray()));
        assertEquals(known, out.size());
    }

    @Test
    void readingTheStreamGivesTheSameBytesAsDrainingIt() throws IOException {
        ChunkTag tag = new ChunkTag(9, 1, 2, 0);
        ByteBuffer direct = ByteBuffer.allocateDirect(1000);
        direct.put(payload(1000)).flip();
        byte[] read = marshaller.stream(new WireChunk(1, tag, direct)).readAllBytes();
        ByteArrayOutputStream drained = new ByteArrayOutputStream();
        ((Drainable) marshaller.stream(new WireChunk(1, tag, direct))).drainTo(drained);
        assertEquals(ByteString.copyFrom(read), ByteString.copyFrom(drained.toByteArray()));
        assertEquals(proto(1, tag, payload(1000)), Chunk.parseFrom(read));
        assertEquals(0, direct.position(), "the caller's buffer is left as it was");
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 4096, 70_000})
    void parsesWhatProtobufWrites(int n) {
        ChunkTag tag = new ChunkTag(17, 0, 3, 1);
        byte[] data = payload(n);
        WireChunk got = marshaller.parse(new ByteArrayInputStream(proto(4, tag, data).toByteArray()));
        assertEquals(4, got.fromRank());
        assertEquals(tag, got.tag());
        assertEquals(ByteBuffer.wrap(data), got.data());
    }

    @ParameterizedTest(name = "cut at {0}")
    @ValueSource(ints = {1, 7, 20, 40_000})
    void aPayloadIsCopiedOnceStraightOutOfTheStreamsBuffers(int cut) {
        ChunkTag tag = new ChunkTag(3, 1, 0, 2);
        byte[] data = payload(70_000);
        byte[] message = proto(1, tag, data).toByteArray();
        // Like gRPC's stream over Netty's frames: direct buffers, cut anywhere (here in the header at 1
        // and 7, in the payload at 20 and 40000).
        SegmentedStream in = new SegmentedStream(message, cut, cut + 12_345);
        WireChunk got = marshaller.parse(in);
        assertEquals(ByteBuffer.wrap(data), got.data());
        assertEquals(tag, got.tag());
        assertEquals(data.length, marshaller.payloadBytesViaByteBuffer());
        assertEquals(0, marshaller.payloadBytesViaRead());
        assertTrue(in.bytesRead <= message.length - data.length,
                in.bytesRead + " bytes went through read(), more than the " + (message.length - data.length)
                        + " bytes of framing and header");
        assertEquals(0, in.available());
    }

    @Test
    void aStreamWithoutBuffersIsReadIntoThePooledBufferItself() {
        ChunkTag tag = new ChunkTag(3, 1, 0, 2);
        byte[] data = payload(4096);
        WireChunk got = marshaller.parse(new ByteArrayInputStream(proto(1, tag, data).toByteArray()));
        assertEquals(ByteBuffer.wrap(data), got.data());
        assertEquals(0, marshaller.payloadBytesViaByteBuffer());
        assertEquals(data.length, marshaller.payloadBytesViaRead());
    }

    /** An input stream over direct buffers that offers them ({@link HasByteBuffer}) and counts reads. */
    private static final class SegmentedStream extends InputStream implements HasByteBuffer, KnownLength {
        private final Deque<ByteBuffer> segments = new ArrayDeque<>();
        long bytesRead;

        SegmentedStream(byte[] bytes, int... cuts) {
            int from = 0;
            for (int to : cuts) {
                add(bytes, from, Math.min(to, bytes.length));
                from = Math.min(to, bytes.length);
            }
            add(bytes, from, bytes.length);
        }

        private void add(byte[] bytes, int from, int to) {
            if (to > from) {
                segments.add(ByteBuffer.allocateDirect(to - from).put(bytes, from, to - from).flip());
            }
        }

        private ByteBuffer current() {
            while (!segments.isEmpty() && !segments.peek().hasRemaining()) {
                segments.poll();
            }
            return segments.peek();
        }

        @Override
        public int read() {
            ByteBuffer b = current();
            if (b == null) {
                return -1;
            }
            bytesRead++;
            return b.get() & 0xff;
        }

        @Override
        public int read(byte[] dst, int off, int len) {
            ByteBuffer b = current();
            if (len == 0) {
                return 0;
            }
            if (b == null) {
                return -1;
            }
            int n = Math.min(len, b.remaining());
            b.get(dst, off, n);
            bytesRead += n;
            return n;
        }

        @Override
        public long skip(long n) {
            long skipped = 0;
            ByteBuffer b;
            while (skipped < n && (b = current()) != null) {
                int k = (int) Math.min(n - skipped, b.remaining());
                b.position(b.position() + k);
                skipped += k;
            }
            return skipped;
        }

        @Override
        public int available() {
            return segments.stream().mapToInt(ByteBuffer::remaining).sum();
        }

        @Override
        public boolean byteBufferSupported() {
            return true;
        }

        @Override
        public ByteBuffer getByteBuffer() {
            ByteBuffer b = current();
            return b == null ? null : b.asReadOnlyBuffer();
        }
    }
}
