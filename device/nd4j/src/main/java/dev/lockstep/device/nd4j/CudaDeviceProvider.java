package dev.lockstep.device.nd4j;

import dev.lockstep.device.Device;

/**
 * Device {@code cuda}: nd4j-cuda-11.6, present when built with {@code -Pcuda}. Buffers are ND4J
 * arrays; the schedule's kernels run on their host mirrors (see {@link Backends}), so this device
 * is correct but not yet fast. Without the backend or a GPU it reports itself not usable.
 */
public final class CudaDeviceProvider extends Nd4jProvider {
    @Override
    public String name() {
        return "cuda";
    }

    @Override
    String probe() {
        String r = Backends.probe(Backends.CUDA_BACKEND, "nd4j-cuda-11.6");
        if (!r.isEmpty()) {
            return "no CUDA backend/GPU: " + r;
        }
        return Backends.gpuCount() < 1 ? "no CUDA backend/GPU: the CUDA backend loaded but reports no GPU" : "";
    }

    @Override
    public Device open() {
        requireUsable();
        return new Nd4jDevice("cuda", false, 1);
    }
}
