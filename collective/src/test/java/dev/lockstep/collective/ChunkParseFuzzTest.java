package dev.lockstep.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.lockstep.proto.v1.Chunk;
import dev.lockstep.proto.v1.ChunkHeader;
import io.grpc.KnownLength;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What a peer sends is parsed without trusting it: random and mutated messages end as {@code INTERNAL} for
 * that stream, and no declared length sizes an allocation beyond the message that carries it.
 */
class ChunkParseFuzzTest {
    private static final int MAX_MESSAGE = 1 << 20;
    private final ChunkMarshaller marshaller = new ChunkMarshaller(new BufferPool(0), MAX_MESSAGE);

    /** A gRPC message stream: its length is known, as the server's deframer's is. */
    private static final class Message extends ByteArrayInputStream implements KnownLength {
        Message(byte[] b) {
            super(b);
        }
    }

    private static byte[] valid(Random rng) {
        byte[] data = new byte[rng.nextInt(300)];
        rng.nextBytes(data);
        return Chunk.newBuilder().setHeader(ChunkHeader.newBuilder().setFromRank(rng.nextInt(4))
                        .setOperation(rng.nextInt(100)).setBucket(rng.nextInt(8)).setStep(rng.nextInt(6)))
                .setData(ByteString.copyFrom(data)).build().toByteArray();
    }

    /** Parses, or fails the way a bad peer message must: a status for that stream, nothing else. */
    private int parseOrRefuse(InputStream in) {
        try {
            marshaller.parse(in);
            return 0;
        } catch (StatusRuntimeException e) {
            assertEquals(Status.Code.INTERNAL, e.getStatus().getCode(), e.toString());
            return 1;
        }
    }

    @Test
    void randomAndMutatedMessagesAreRefusedOrParsedNeverThrowingAnythingElse() {
        Random rng = new Random(11);
        int refused = 0;
        for (int i = 0; i < 2000; i++) {
            byte[] b;
            if (i % 2 == 0) {
                b = new byte[rng.nextInt(64)];
                rng.nextBytes(b);
            } else {
                b = valid(rng);
                for (int flips = 1 + rng.nextInt(4); flips > 0 && b.length > 0; flips--) {
                    b[rng.nextInt(b.length)] ^= (byte) (1 + rng.nextInt(255));
                }
                if (rng.nextBoolean()) {
                    b = java.util.Arrays.copyOf(b, rng.nextInt(b.length + 1));
                }
            }
            refused += parseOrRefuse(rng.nextBoolean() ? new Message(b) : new ByteArrayInputStream(b));
        }
        assertTrue(refused > 500, "most random and mutated messages are refused, got " + refused + " of 2000");
    }

    @Test
    void aDeclaredLengthBeyondTheMessageIsRefusedBeforeAnythingIsAllocated() {
        // field 2 (data), length-delimited, declaring 2^30 bytes, then 3 bytes
        byte[] lie = {0x12, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x04, 1, 2, 3};
        for (InputStream in : new InputStream[] {new Message(lie), new ByteArrayInputStream(lie)}) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> marshaller.parse(in));
            assertTrue(e.getStatus().getDescription().contains("1073741824 bytes in a message with"), e.getStatus().getDescription());
        }
    }
}
