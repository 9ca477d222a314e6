package dev.lockstep.collective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ChunksTest {
    static Stream<Arguments> boundaryTable() {
        return Stream.of(
                Arguments.of(10L, 1, new long[] {0, 10}),
                Arguments.of(10L, 2, new long[] {0, 5, 10}),
                Arguments.of(10L, 3, new long[] {0, 4, 7, 10}),
                Arguments.of(10L, 4, new long[] {0, 3, 6, 8, 10}),
                Arguments.of(10L, 5, new long[] {0, 2, 4, 6, 8, 10}),
                Arguments.of(10L, 8, new long[] {0, 2, 4, 5, 6, 7, 8, 9, 10}),
                Arguments.of(11L, 3, new long[] {0, 4, 8, 11}),
                Arguments.of(2L, 3, new long[] {0, 1, 2, 2}),
                Arguments.of(3L, 5, new long[] {0, 1, 2, 3, 3, 3}),
                Arguments.of(7L, 8, new long[] {0, 1, 2, 3, 4, 5, 6, 7, 7}),
                Arguments.of(0L, 1, new long[] {0, 0}),
                Arguments.of(0L, 4, new long[] {0, 0, 0, 0, 0}));
    }

    @ParameterizedTest(name = "E={0} N={1}")
    @MethodSource("boundaryTable")
    void boundaries(long elements, int count, long[] expected) {
        assertArrayEquals(expected, Chunks.boundaries(elements, count));
    }

    @Test
    void chunkSizesDifferByAtMostOne() {
        for (long e = 0; e <= 40; e++) {
            for (int n = 1; n <= 9; n++) {
                long[] b = Chunks.boundaries(e, n);
                long min = Long.MAX_VALUE;
                long max = Long.MIN_VALUE;
                for (int c = 0; c < n; c++) {
                    min = Math.min(min, b[c + 1] - b[c]);
                    max = Math.max(max, b[c + 1] - b[c]);
                }
                assertEquals(e, b[n], "E=" + e + " N=" + n);
                assertEquals(true, max - min <= 1, "E=" + e + " N=" + n);
            }
        }
    }

    @Test
    void partsCoverTheRangeInPiecesOfAtMostTheCap() {
        assertEquals(List.of(new ChunkRange(3, 7), new ChunkRange(7, 11), new ChunkRange(11, 13)),
                Chunks.parts(new ChunkRange(3, 13), 4, 16));
        assertEquals(List.of(new ChunkRange(3, 13)), Chunks.parts(new ChunkRange(3, 13), 4, 40));
        assertEquals(List.of(new ChunkRange(0, 2), new ChunkRange(2, 3)), Chunks.parts(new ChunkRange(0, 3), 8, 23));
        // A cap below one element still moves one element per part.
        assertEquals(List.of(new ChunkRange(0, 1), new ChunkRange(1, 2)), Chunks.parts(new ChunkRange(0, 2), 8, 3));
        assertEquals(List.of(), Chunks.parts(new ChunkRange(5, 5), 4, 16));
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> Chunks.boundaries(-1, 2));
        assertThrows(IllegalArgumentException.class, () -> Chunks.boundaries(4, 0));
        assertThrows(IllegalArgumentException.class, () -> Chunks.parts(new ChunkRange(0, 4), 4, 0));
        assertThrows(IllegalArgumentException.class, () -> new ChunkRange(3, 2));
    }
}
