package dev.lockstep.device.nd4j;

import dev.lockstep.device.Device;
import dev.lockstep.device.DeviceProvider;

/**
 * Device {@code cuda}: nd4j-cuda-11.6, present when built with {@code -Pcuda}. Buffers are ND4J
 * arrays; the schedule's kernels run on their host mirrors (see {@link Backends}), so this device
 * is correct but not yet fast. Without the backend or a GPU it reports itself not usable.
 */
public final class CudaDeviceProvider implements DeviceProvider {
    private volatile String unusable;

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public boolean isUsable() {
        return unusableReason().isEmpty();
    }

    @Override
    public String unusableReason() {
        String r = unusable;
        if (r == null) {
            r = Backends.probe(Backends.CUDA_BACKEND, "nd4j-cuda-11.6");
            if (r.isEmpty() && Backends.gpuCount() < 1) {
                r = "no CUDA backend/GPU: the CUDA backend loaded but reports no GPU";
            } else if (!r.isEmpty()) {
                r = "no CUDA backend/GPU: " + r;
            }
            unusable = r;
        }
        return r;
    }

    @Override
    public Device open() {
        if (!isUsable()) {
            throw new IllegalStateException("device cuda is not usable: " + unusableReason());
        }
        return new Nd4jDevice("cuda", false, 1);
    }
}
