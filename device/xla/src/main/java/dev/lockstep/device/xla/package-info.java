/**
 * StableHLO for Lockstep graphs, and the devices that run it.
 *
 * <p>Public surface: {@link dev.lockstep.device.xla.StableHloEmitter} lowers a
 * {@link dev.lockstep.graph.Graph} to a {@link dev.lockstep.device.xla.StableHloModule} (MLIR text of
 * {@code func.func public @main}, in generic op syntax, checked by the emitter before anyone else sees
 * it), and {@link dev.lockstep.device.xla.XlaCpuDeviceProvider} registers device {@code xla-cpu}.
 *
 * <p>Everything else is package-private. The seam for runtimes is {@code XlaRuntime}: it takes the
 * emitted module (text plus signature) and returns a program that runs on host tensors.
 * {@code TfXlaRuntime} implements it with TensorFlow Java's {@code XlaCallModule} op (graph mode,
 * module version 9, platform CPU). device/pjrt compiles the same text through PJRT plugins (TPU, GPU),
 * with device-resident buffers of its own; it uses only the emitter from here. {@code XlaDevice} is runtime-neutral: it checks capabilities, emits,
 * loads, and runs once on zeros so that XLA's lazy compilation fails inside {@code compile()}.
 *
 * <p>When XLA rejects a module, Java sees only "Cannot deserialize computation"; the real message
 * goes to native stderr. {@code NativeStderr} captures it (on that failure path only) so the
 * {@link dev.lockstep.device.CompileException} quotes XLA and names the node that emitted the line.
 */
package dev.lockstep.device.xla;
