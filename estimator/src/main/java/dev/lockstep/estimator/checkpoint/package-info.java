/**
 * Checkpoints (invariant 7): every parameter, layer-state tensor and optimizer slot by path in one
 * safetensors file, plus a JSON manifest (step, epoch, data cursors, RNG seed/state, graph fingerprint,
 * job config, world size, Lockstep version, sha256 of each data file), committed atomically.
 *
 * <pre>{@code
 * CheckpointStore store = new CheckpointStore(modelDir, 5);
 * Optional<Checkpoint> resume = store.latestValid();          // skips corrupt ones, with a warning
 * resume.ifPresent(c -> c.requireTypes(ModelLayout.expectedTypes(model, config)));
 * ...
 * store.save(Checkpoint.of(Manifest.of(step, seed, fingerprint, worldSize, version)
 *         .withEpoch(epoch).withDataCursors(cursors).withJobConfig(job), tensorsByPath));
 * Optional<Checkpoint> encoder = other.loadSubtree("encoder", "pretrained/encoder");  // fine-tuning
 * }</pre>
 *
 * <p>Layout: {@code <modelDir>/ckpt-<step>/model.safetensors} and {@code manifest.json}; readable by
 * {@code safetensors.torch.load_file} and friends without Lockstep.
 */
package dev.lockstep.estimator.checkpoint;
