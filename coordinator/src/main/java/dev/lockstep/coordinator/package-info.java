/**
 * The coordinator's core, as a library with its gRPC service ({@code lockstep.v1.Coordinator}).
 *
 * <h2>What it owns</h2>
 * <ul>
 *   <li><b>Jobs.</b> {@link dev.lockstep.coordinator.Coordinator#submit} validates a spec by parsing it with
 *   the job module (a bad spec is refused with the parser's field-path message) and stores its canonical
 *   form and hash. The world size is taken at submit ({@code SubmitRequest.world_size}), fixed for the
 *   job's life; the job spec has no {@code workers} setting yet. A job is WAITING_FOR_WORKERS, RUNNING,
 *   then SUCCEEDED (every rank committed {@code train.steps}), FAILED or CANCELLED, with a reason.</li>
 *   <li><b>The state directory</b> ({@code StateStore}): every job in one file, written to a temporary
 *   name, fsynced, renamed over the current file, with the previous good copy kept as {@code .prev}
 *   (invariant 7). A header with length and CRC-32 makes a truncated or damaged file an error naming
 *   the file. Membership is not stored: after a restart a job that was waiting or running waits for
 *   its workers again, keeping its committed step and epoch (the next ring gets the next epoch).</li>
 *   <li><b>Membership.</b> Ranks in registration order, or a requested rank; a worker whose job hash or
 *   Lockstep version differs is refused naming both values of each; a duplicate address or taken rank,
 *   or a worker beyond the world size, is refused. Once every rank has registered, each receives the same
 *   ring (collective addresses in rank order) and epoch, in its registration answer or next heartbeat.</li>
 *   <li><b>Failure detection</b> (invariant 6). A registered worker whose last heartbeat (or commit) is
 *   older than the deadline (default 10 s, {@link dev.lockstep.coordinator.CoordinatorConfig}) fails the job
 *   naming its rank, address and the last step it reported; every other worker's next heartbeat answers
 *   STOP with that reason. Time comes from an injected {@code InstantSource}; deadlines are checked at
 *   the start of every call and by {@link dev.lockstep.coordinator.Coordinator#checkDeadlines}, which a
 *   scheduler in the coordinator process is to call periodically. No call blocks on another worker.</li>
 *   <li><b>Step commits.</b> Each rank commits steps 1, 2, 3, ... in order; the job's committed step is the
 *   minimum over ranks. Replica checksums sent with a step are compared across ranks; a mismatch fails
 *   the job naming both ranks and checksums.</li>
 *   <li><b>Errors over the wire.</b> Refusals are {@link dev.lockstep.coordinator.CoordinatorException}s (or
 *   the job module's {@code SpecException}); {@code Statuses} is the one mapping to {@code io.grpc.Status}
 *   codes (INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION; DATA_LOSS for a corrupt state
 *   file).</li>
 * </ul>
 *
 * <h2>What is still missing</h2>
 * <ul>
 *   <li>The CLI commands ({@code lockstep coordinator}, {@code submit}, {@code status}, {@code cancel},
 *   {@code list}, {@code local}) and the Netty server and deadline scheduler they will start.</li>
 *   <li>The worker process that registers, heartbeats and commits, and a log/progress stream.</li>
 *   <li>Data assignment and storing the committed data cursors: {@code CommitStep.data_cursor} is accepted
 *   but not yet recorded; checkpoint orchestration (rank 0 writes, the coordinator records) will keep the
 *   cursors with each checkpoint.</li>
 *   <li>Restarts ({@code max_restarts}) and elastic membership: a failed job stays failed, and the world size
 *   is fixed at submit.</li>
 * </ul>
 *
 * <p>This package uses the job and proto modules only; rules/ checks it never uses graph, device, nn,
 * estimator or worker classes.
 */
package dev.lockstep.coordinator;
