package dev.lockstep.collective;

import java.nio.ByteBuffer;

/**
 * One {@code lockstep.v1.Chunk} as the gRPC transport holds it: header fields and the raw payload, or
 * (with {@code abort} non-empty) the sender's reason for giving up.
 */
record WireChunk(int fromRank, ChunkTag tag, ByteBuffer data, String abort) {
    WireChunk(int fromRank, ChunkTag tag, ByteBuffer data) {
        this(fromRank, tag, data, "");
    }
}
