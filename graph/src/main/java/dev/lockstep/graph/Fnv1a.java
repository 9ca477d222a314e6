package dev.lockstep.graph;

import java.nio.charset.StandardCharsets;

/**
 * 64-bit FNV-1a of a string's UTF-8 bytes: the one hash that turns a parameter path or a random
 * stream's purpose into key material (invariant 4). Hashing UTF-8 bytes rather than UTF-16 chars gives
 * the same value as every other FNV-1a implementation; the two agree on ASCII, so ASCII paths (all
 * that real models use) keep the keys they had when one caller hashed chars.
 */
public final class Fnv1a {
    public static final long OFFSET_BASIS = 0xcbf29ce484222325L;
    public static final long PRIME = 0x100000001b3L;

    private Fnv1a() {}

    public static long hash64(String s) {
        long h = OFFSET_BASIS;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * PRIME;
        }
        return h;
    }
}
