/**
 * One worker (replica) of a synchronous data-parallel job. A worker is the single-process
 * {@link dev.lockstep.estimator.Estimator} built with
 * {@link dev.lockstep.estimator.Builder#replica(dev.lockstep.estimator.Replica,
 * dev.lockstep.estimator.GradientReducer) replica(new Replica(rank, N), new CollectiveReducer(transport,
 * options))}; nothing else in the step changes. How its step maps onto DESIGN.md's training step:
 * <ol>
 *   <li><b>Input</b>: its input function yields its slice of every global batch
 *       ({@code Dataset.globalBatchSlice(global, N, rank)}), so the examples of step s do not depend on N;
 *       {@code Replica.exampleOffset} keys per-example randomness (dropout) by global example index.
 *   <li><b>Gradient program</b>: the estimator's {@code StepRunner}, unchanged: summed loss, summed
 *       gradients, new layer state, over one or more local micro-batches.
 *   <li><b>Reduce</b>: {@link dev.lockstep.worker.CollectiveReducer} sums the whole payload (loss sum,
 *       gradients, metric sums, layer state, example count, replica count), bucketed in payload order
 *       ({@link dev.lockstep.worker.CollectiveReducer#bucketLayout}), through the collective library's
 *       all-reduce, which leaves bitwise-identical sums on every rank.
 *   <li><b>Apply program</b>: unchanged; it divides gradients by the summed example count (the global
 *       batch) and state by the summed replica count, so every replica applies the same update.
 *   <li><b>Commit</b>: the runner swaps in the new values only after the apply succeeded; a failed reduce
 *       ({@link dev.lockstep.worker.ReduceFailedException}, naming the rank, bucket and silent peer) leaves
 *       everything as it was. Only rank 0 writes checkpoints; the manifest records the world size, and a
 *       checkpoint resumes on another world size at the same global batch.
 * </ol>
 *
 * <p>Not here yet (issue 10): the worker process and its command, the coordinator (job, membership,
 * ranks, the ring's addresses, step commits, heartbeats, restarts), the cross-replica checksum every K
 * steps, overlapping the all-reduce with the backward pass, and metrics. Tests run the workers as
 * threads of one JVM over {@code LocalFabric} or loopback {@code GrpcTransport}.
 */
package dev.lockstep.worker;
