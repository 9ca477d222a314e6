package dev.lockstep.collective;

import java.nio.ByteBuffer;

/** One {@code lockstep.v1.Chunk} as the gRPC transport holds it: header fields and the raw payload. */
record WireChunk(int fromRank, ChunkTag tag, ByteBuffer data) {}
