package dev.lockstep.collective;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of {@link GrpcTransport}.
 *
 * @param flowControlWindowBytes HTTP/2 flow-control window per stream and connection
 * @param maxMessageBytes largest chunk message accepted (must exceed the all-reduce part size)
 * @param onReadyThresholdBytes bytes a send may leave queued in Netty before the next send waits
 * @param closeTimeout how long {@link GrpcTransport#close()} waits for peers to acknowledge the end of
 *     its streams before it cuts them
 * @param receivePoolBytes how many bytes of released receive buffers are kept for reuse
 */
public record GrpcTransportSettings(int flowControlWindowBytes, int maxMessageBytes, int onReadyThresholdBytes,
        Duration closeTimeout, long receivePoolBytes) {
    public GrpcTransportSettings {
        Objects.requireNonNull(closeTimeout, "closeTimeout");
        if (flowControlWindowBytes < 65_535) {
            throw new IllegalArgumentException("flowControlWindowBytes must be >= 65535, got " + flowControlWindowBytes);
        }
        if (maxMessageBytes < 1024) {
            throw new IllegalArgumentException("maxMessageBytes must be >= 1024, got " + maxMessageBytes);
        }
        if (onReadyThresholdBytes < 1) {
            throw new IllegalArgumentException("onReadyThresholdBytes must be >= 1, got " + onReadyThresholdBytes);
        }
        if (receivePoolBytes < 0) {
            throw new IllegalArgumentException("receivePoolBytes must be >= 0, got " + receivePoolBytes);
        }
        if (closeTimeout.isNegative()) {
            throw new IllegalArgumentException("closeTimeout must not be negative, got " + closeTimeout);
        }
    }

    public static GrpcTransportSettings defaults() {
        return new GrpcTransportSettings(8 << 20, (64 << 20) + 1024, 4 << 20, Duration.ofSeconds(5), 64L << 20);
    }
}
