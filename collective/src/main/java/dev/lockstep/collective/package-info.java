/**
 * Collectives for synchronous data-parallel training: sums tensors across the N ranks of a job. Knows
 * nothing about models, graphs or devices; it sees named buffers of f32/f64/i32/i64 elements.
 *
 * <h2>Pure parts (the same on every rank, invariant 5)</h2>
 * <ul>
 *   <li>{@link dev.lockstep.collective.BucketLayout}: tensors, in the caller's layout order (by path,
 *       never by readiness), fused into buckets of one dtype up to a byte cap; a tensor over the cap has a
 *       bucket of its own.
 *   <li>{@link dev.lockstep.collective.Chunks}: a bucket of E elements cut into N chunks whose sizes
 *       differ by at most one (the first E mod N are longer), and chunks cut into pipelining parts of at
 *       most K bytes (an empty chunk has no parts, so nothing is sent for it).
 *   <li>{@link dev.lockstep.collective.RingSchedule}: 2(N−1) steps; at step t rank r sends chunk
 *       (r − t) mod N to r+1 and receives chunk (r − t − 1) mod N from r−1, adding during reduce-scatter,
 *       copying during all-gather.
 *   <li>{@link dev.lockstep.collective.HalvingDoublingSchedule}: for power-of-two N, log2 N halving steps
 *       (partner r XOR N/2, N/4, ..., 1) and log2 N doubling steps in reverse.
 *   <li>{@link dev.lockstep.collective.AllReducer#algorithmFor}: halving/doubling for buckets up to
 *       {@link dev.lockstep.collective.CollectiveOptions#halvingDoublingMaxBytes} on power-of-two worlds,
 *       the ring otherwise.
 * </ul>
 *
 * <h2>Summation order (invariant 3)</h2>
 * Each element is added up exactly once, on one rank, in an order that depends only on N, the bucket's
 * element count and the algorithm, and the finished bits are then copied to every rank. Ring: element i
 * of chunk c is {@code ((x[c] + x[c+1]) + x[c+2]) + ... + x[c+N−1]} (ranks mod N). Halving/doubling:
 * ranks that differ in the highest bit are added first, e.g. {@code (x0 + x2) + (x1 + x3)} for N = 4.
 * So all ranks hold bitwise-identical sums, and two runs with the same inputs give the same bits, however
 * messages race.
 *
 * <h2>Deadlines and failures (invariant 6)</h2>
 * Every send and receive of every step waits at most
 * {@link dev.lockstep.collective.CollectiveOptions#stepTimeout}. A failure is a
 * {@link dev.lockstep.collective.CollectiveException} naming the operation, the peer's rank and its
 * address: {@code all-reduce step 1 of bucket 0 (ring, 4 steps, world size 3, rank 0): rank 2
 * (127.0.0.1:43701) failed: its stream from rank 0 ended: CANCELLED (...)}, or {@code ...: no chunk from
 * rank 1 (127.0.0.1:40123) within 5 s}. A peer whose connection breaks is marked failed at once, and every
 * wait on this rank then ends with that peer named instead of running out its deadline. After such an
 * exception call {@link dev.lockstep.collective.Transport#abort}: it tells the peers why before closing,
 * so their errors read {@code rank 1 (...) gave up: <rank 1's error>} and still name the culprit; an
 * orderly {@link dev.lockstep.collective.Transport#close} is reported as {@code closed its transport}.
 *
 * <h2>Transports</h2>
 * {@link dev.lockstep.collective.Transport} moves tagged byte messages between ranks;
 * {@link dev.lockstep.collective.ChunkTag} (operation, bucket, step, part) matches them, so arrival order
 * does not matter. {@link dev.lockstep.collective.LocalFabric} runs N ranks as threads of one JVM (a send
 * copies into the receiver's mailbox). {@link dev.lockstep.collective.GrpcTransport} serves the
 * {@code lockstep.v1.Collective} service on Netty and keeps one {@code Send} client stream to each peer;
 * the chunk payload travels as raw little-endian bytes in the {@code bytes data} field of
 * {@code lockstep.v1.Chunk}, framed by a hand-written marshaller: outbound it is drained from the
 * caller's buffer into Netty's buffers ({@code KnownLength} and {@code Drainable}, no intermediate
 * {@code byte[]}), inbound it is copied once out of Netty's buffers ({@code HasByteBuffer} where offered).
 * Retries are off, and a send waits for the stream to be ready, so a send has finished reading the
 * caller's buffer when it returns.
 *
 * <p>A worker starts its collective server before it knows its rank:
 * {@link dev.lockstep.collective.GrpcTransport#listen} gives a
 * {@link dev.lockstep.collective.CollectiveEndpoint}, whose address the worker registers with the
 * coordinator; {@link dev.lockstep.collective.CollectiveEndpoint#join} then makes it rank r of the ring
 * the coordinator formed. A peer's stream that arrives before the join is parked unread (HTTP/2 flow
 * control holds the sender) and routed, or refused if its world size does not fit, at the join.
 */
package dev.lockstep.collective;
