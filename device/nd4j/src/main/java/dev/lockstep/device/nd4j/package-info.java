/**
 * The ND4J devices: {@code cpu} (nd4j-native, {@link dev.lockstep.device.nd4j.CpuDeviceProvider})
 * and {@code cuda} (nd4j-cuda-11.6 with {@code -Pcuda}, {@link dev.lockstep.device.nd4j.CudaDeviceProvider}).
 *
 * <p>How a graph runs: {@code Compiler} plans the graph ({@code Rewrites}: transposes folded into
 * dot_general, broadcasts read in place by elementwise kernels, f32 elementwise trees, comparisons
 * and selects included, fused into one chunked pass that may also write values read later
 * ({@code Fusion}), unused nodes dropped), evaluates
 * constants once, aliases reshapes, and gives every intermediate a pooled native block chosen by
 * liveness, so a step allocates nothing. Each remaining node gets one {@code Kernel} resolved for
 * its exact types: f32/f64 dot_general and convolution (im2col) are cblas_sgemm/dgemm on the
 * buffers' addresses; everything else is a typed Java loop over
 * the ND4J-owned memory, viewed as a {@link java.lang.foreign.MemorySegment}. Measured here (noisy
 * machine): an ND4J f32 add costs ~15 us of dispatch at 2,560 elements where the loop takes ~1 us,
 * and at 131,072 elements ND4J takes ~29 us against the loop's ~39 us; with fewer, fused passes
 * (see {@code Periodic}) the loops win overall, and they cover what ND4J lacks (general
 * gather/scatter, select_and_scatter, padded reduce_window, dilated/grouped convolution, Threefry).
 * With several threads, the device's own compute threads ({@code Workers}) run gemm blocks and
 * slices of large fused kernels; compiling also warms the Java kernels so the first steps do not
 * run interpreted code.
 *
 * <p>Reproducibility: results are deterministic for a given thread count and
 * {@link dev.lockstep.device.nd4j.CpuDeviceProvider.GemmThreading}, but OpenBLAS's sums differ in
 * the last bits between 1 and 2 threads (and between its threading and ours), so the thread
 * configuration belongs to a run's identity like its seed.
 *
 * <p>Public surface: the two providers and {@link dev.lockstep.device.nd4j.NativeBuffers}; the
 * engine is package-private.
 */
package dev.lockstep.device.nd4j;
