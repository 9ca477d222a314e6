package dev.lockstep.device;

import dev.lockstep.tensor.DType;
import java.nio.ByteBuffer;

/**
 * What the {@code all_reduce} ops of a program ({@link dev.lockstep.graph.AllReduce}) sum over: the
 * replicas of a distributed step, bound when the program is compiled
 * ({@link Device#compile(dev.lockstep.graph.Graph, Replicas)}). Every replica runs the same program, so
 * its all-reduces come in the same order everywhere; {@code op} numbers them in graph order.
 */
public interface Replicas {
    /** One process: an all-reduce returns its operand. */
    Replicas SINGLE = new Replicas() {
        @Override
        public int count() {
            return 1;
        }

        @Override
        public void sum(int op, DType dtype, ByteBuffer data) { }

        @Override
        public String toString() {
            return "a single replica";
        }
    };

    int count();

    /**
     * Sums the little-endian {@code dtype} elements of {@code data} (position to limit) over every
     * replica, in place; the result is bitwise the same on every replica. Fails, naming the replica and
     * the operation, rather than wait forever.
     */
    void sum(int op, DType dtype, ByteBuffer data);
}
