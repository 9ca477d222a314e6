package dev.lockstep.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ThreefryTest {
    /** Known-answer vectors of Threefry-2x32-20 from the Random123 distribution (kat_vectors). */
    @Test
    void matchesRandom123KnownAnswers() {
        assertArrayEquals(new int[] {0x6b200159, 0x99ba4efe}, Threefry.hash(0, 0, 0, 0));
        assertArrayEquals(new int[] {0x1cb996fc, 0xbb002be7},
                Threefry.hash(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff));
        assertArrayEquals(new int[] {0xc4923a9c, 0x483df7a0},
                Threefry.hash(0x13198a2e, 0x03707344, 0x243f6a88, 0x85a308d3));
    }

    @Test
    void bitsAddIndexToCounterAcross32BitBoundary() {
        long counter = 0xFFFF_FFFFL;
        assertEquals(Threefry.hash(7, 0, 0, 1)[0], Threefry.bits(7, counter, 1));
    }
}
