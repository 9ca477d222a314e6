/**
 * Device {@code pjrt}: any PJRT plugin (libtpu, the CUDA or ROCm plugin, ...) bound through
 * {@code java.lang.foreign}, with no JNI and no generated code.
 *
 * <p>Public surface: {@link dev.lockstep.device.pjrt.Pjrt} opens a plugin's device, {@link
 * dev.lockstep.device.pjrt.PjrtDeviceProvider} registers the names {@code pjrt:/path/to/plugin.so[:N]},
 * {@link dev.lockstep.device.pjrt.PjrtSettings} holds the deadlines and {@link
 * dev.lockstep.device.pjrt.PjrtException} carries a plugin's error code and message.
 *
 * <p>Inside: {@code Abi} is the subset of {@code pjrt_c_api.h} the binding uses, written by hand (struct
 * layouts from {@code Struct}); {@code PjrtApi} loads a plugin and checks its version and table size;
 * {@code PjrtDevice} owns the client, an arena with every native struct, the staging memory, and a registry
 * of its buffers and executables; {@code PjrtBuffer} swaps immutable PJRT buffers behind one Java object;
 * {@code PjrtExecutable} compiles the StableHLO text of {@code dev.lockstep.device.xla.StableHloEmitter}
 * (program format {@code mlir}) and runs it, donating inputs by {@code tf.aliasing_output} ({@code Aliasing});
 * {@code Events} waits for PJRT events with deadlines.
 */
package dev.lockstep.device.pjrt;
