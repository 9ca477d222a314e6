package dev.lockstep.graph;

import dev.lockstep.tensor.Shape;
import java.util.Objects;

/**
 * Counter-based random bits: a pure function of (key, counter, element index), so dropout masks
 * depend only on seed, step and example index (invariant 4) and every device yields the same bits.
 *
 * <p>Operands: {@code key} and {@code counter}, both i64 scalars. Element j (row-major) of the i32
 * result is the first output word of Threefry-2x32 (20 rounds, {@link Threefry}) with key
 * (lo32(key), hi32(key)) applied to the block (lo32(counter + j), hi32(counter + j)), the sum taken
 * modulo 2^64. Lowered to StableHLO integer arithmetic, never to the implementation-defined
 * {@code rng_bit_generator}, so bits agree across devices.
 */
public record RandomBits(Shape shape) implements Op {
    public RandomBits {
        Objects.requireNonNull(shape, "shape");
    }
}
