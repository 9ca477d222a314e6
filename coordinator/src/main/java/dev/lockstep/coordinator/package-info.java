/**
 * The coordinator's core, as a library with its gRPC service ({@code lockstep.v1.Coordinator}).
 *
 * <h2>What it owns</h2>
 * <ul>
 *   <li><b>Jobs.</b> {@link dev.lockstep.coordinator.Coordinator#submit} validates a spec by parsing it with
 *   the job module (a bad spec is refused with the parser's field-path message) and stores its canonical
 *   form, hash and {@code distributed.max_restarts}. The world size is {@code SubmitRequest.world_size}, or
 *   the spec's {@code distributed.workers} when that is 0; it must divide {@code train.batch_size} and is
 *   fixed for the job's life. A job is WAITING_FOR_WORKERS, RUNNING, then SUCCEEDED (every rank committed
 *   {@code train.steps}), FAILED or CANCELLED, with a reason.</li>
 *   <li><b>The state directory</b> ({@code StateStore}): every job in one file, written to a temporary
 *   name, fsynced, renamed over the current file, with the previous good copy kept as {@code .prev}
 *   (invariant 7). A header with length and CRC-32 makes a truncated or damaged file an error naming
 *   the file. It keeps each job's committed step, epoch, restarts and newest checkpoint (step and
 *   directory, as rank 0 reported it). Membership is not stored: after a restart a job that was waiting or
 *   running waits for its workers again (old workers' heartbeats are told to RESTART, i.e. register again).</li>
 *   <li><b>Enrolment</b> ({@code Enrolment}). A worker registers with a job, or with none to take the oldest
 *   job that waits and has a free rank; it gets its rank, the job's canonical spec and hash, the heartbeat
 *   interval (a fifth of the deadline) and the restart count. A worker whose job hash (when it sends one) or
 *   Lockstep version differs is refused naming both values of each; a duplicate address or taken rank, or a
 *   worker beyond the world size, is refused. Each rank then reports ready with its model fingerprint and
 *   start step: the first ready rank is the reference, and a rank that differs is refused naming both ranks
 *   and values and its rank freed. The ring (collective addresses in rank order) forms in a new epoch only
 *   when every rank has registered and is ready; the job's committed step becomes the agreed start step.</li>
 *   <li><b>Failures and restarts</b> ({@code Recovery}, invariant 6). A registered worker whose last heartbeat
 *   (or commit) is older than the deadline (default 10 s, {@link dev.lockstep.coordinator.CoordinatorConfig}),
 *   or a worker's failure report, ends the attempt, named by rank, address and what failed. With restarts
 *   left the job restarts: the epoch grows at once, membership is cleared, the committed step goes back to
 *   the newest checkpoint, and every old member's next heartbeat answers RESTART with the reason; otherwise
 *   the job fails and heartbeats answer STOP. A report from an attempt that is over is acknowledged and
 *   ignored. Time comes from an injected {@code InstantSource}; deadlines are checked at the start of every
 *   call and by {@link dev.lockstep.coordinator.CoordinatorServer}'s ticker. No call blocks on another worker.</li>
 *   <li><b>Step commits</b> ({@code Commits}). Each rank commits its steps in order; the job's committed step
 *   is the minimum over ranks. Replica checksums are compared per path across ranks (a mismatch fails the job
 *   naming both ranks, the step and the first differing path). Each rank's last step time, rank 0's metrics
 *   and checkpoints are recorded and shown by Status.</li>
 *   <li><b>The event log</b> ({@code EventLog}): per job the newest 10,000 events, numbered from 1:
 *   submitted, registered, ready, ring formed, progress every {@code log_every_steps} committed steps (global
 *   metrics and examples/s over the window), workers' lines, checkpoints, restarts and the end, whose event
 *   carries the final status. Watch sends the backlog from a sequence number and, with follow, pushes each
 *   new event from the call that records it until the job ends; shutdown ends open streams with UNAVAILABLE.</li>
 *   <li><b>The server</b> ({@link dev.lockstep.coordinator.CoordinatorServer}): the service over Netty, the
 *   deadline ticker, bounded shutdown, the standard {@code grpc.health.v1} service, and gauges
 *   ({@code lockstep_workers_expected}, {@code _registered}, {@code _up}, {@code lockstep_committed_step},
 *   {@code lockstep_checkpoint_age_seconds}, {@code lockstep_job_state}, {@code lockstep_rank_step_seconds},
 *   {@code lockstep_rank_busy_seconds}, {@code lockstep_rank_up}) in a registry the caller passes in and serves.</li>
 *   <li><b>Errors over the wire.</b> Refusals are {@link dev.lockstep.coordinator.CoordinatorException}s (or
 *   the job module's {@code SpecException}); {@code Statuses} is the one mapping to {@code io.grpc.Status}
 *   codes (INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION; DATA_LOSS for a corrupt state
 *   file).</li>
 * </ul>
 *
 * <h2>What is still missing</h2>
 * <ul>
 *   <li>Data assignment and storing the committed data cursors: {@code CommitStep.data_cursor} is accepted
 *   but not yet recorded; the cursors should be kept with each checkpoint.</li>
 *   <li>A job whose spec trains by {@code train.epochs} (no {@code train.steps}) never succeeds from commits:
 *   there is no "done" call yet.</li>
 *   <li>The start step the workers agree on is not checked against the checkpoint step rank 0 reported.</li>
 *   <li>Elastic membership: the world size is fixed at submit. Watch streams are not flow-controlled: a
 *   follower that stops reading buffers events in the server until the job ends or it disconnects.</li>
 * </ul>
 *
 * <p>This package uses the job and proto modules only; rules/ checks it never uses graph, device, nn,
 * estimator or worker classes.
 */
package dev.lockstep.coordinator;
