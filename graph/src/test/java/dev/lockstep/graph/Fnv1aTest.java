package dev.lockstep.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** Three copies of FNV hashed chars in one place and UTF-8 bytes in another; one definition remains. */
class Fnv1aTest {
    @Test
    void matchesPublishedFnv1a64Vectors() {
        assertEquals(0xcbf29ce484222325L, Fnv1a.hash64(""));
        assertEquals(0xaf63dc4c8601ec8cL, Fnv1a.hash64("a"));
        assertEquals(0xaf63df4c8601f1a5L, Fnv1a.hash64("b"));
        assertEquals(0x85944171f73967e8L, Fnv1a.hash64("foobar"));
    }

    @Test
    void hashesUtf8BytesNotChars() {
        // "é" is U+00E9, UTF-8 C3 A9: two byte rounds, not one char round of 0xE9.
        long bytes = (((Fnv1a.OFFSET_BASIS ^ 0xc3) * Fnv1a.PRIME) ^ 0xa9) * Fnv1a.PRIME;
        assertEquals(bytes, Fnv1a.hash64("é"));
        assertNotEquals((Fnv1a.OFFSET_BASIS ^ 0xe9) * Fnv1a.PRIME, Fnv1a.hash64("é"));
        // U+1F600 is a surrogate pair in Java but four UTF-8 bytes F0 9F 98 80.
        long h = Fnv1a.OFFSET_BASIS;
        for (int b : new int[] {0xf0, 0x9f, 0x98, 0x80}) {
            h = (h ^ b) * Fnv1a.PRIME;
        }
        assertEquals(h, Fnv1a.hash64("\uD83D\uDE00"));
    }

    @Test
    void asciiPathsHashTheSameAsTheFormerCharLoop() {
        for (String path : new String[] {"hidden/kernel#dropout", "logits/bias", "norm/moving_mean"}) {
            long chars = Fnv1a.OFFSET_BASIS;
            for (int i = 0; i < path.length(); i++) {
                chars = (chars ^ path.charAt(i)) * Fnv1a.PRIME;
            }
            assertEquals(chars, Fnv1a.hash64(path), path);
        }
    }
}
