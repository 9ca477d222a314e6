package dev.lockstep.worker;

/** The last step's all-reduce on this rank, for metrics: its payload bytes and wall time, and the world size. */
public interface ReduceStats {
    long lastBytes();

    double lastSeconds();

    int worldSize();
}
