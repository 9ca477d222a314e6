package dev.lockstep.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import dev.lockstep.proto.v1.Chunk;
import dev.lockstep.proto.v1.ChunkHeader;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
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
}
