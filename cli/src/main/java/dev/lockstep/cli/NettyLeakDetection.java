package dev.lockstep.cli;

/**
 * Netty's buffer leak detector samples allocations and records a stack trace for each sample; on the
 * all-reduce's hot path that was ~800 records per 20 s per worker. The processes that move tensors turn
 * it off unless {@code -Dio.netty.leakDetection.level} asks for it (before Netty's classes load).
 */
final class NettyLeakDetection {
    private static final String PROPERTY = "io.netty.leakDetection.level";

    private NettyLeakDetection() {}

    static void offUnlessAsked() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, "disabled");
        }
    }
}
