package dev.lockstep.device.nd4j;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Select over raw elements of 1, 2, 4 or 8 bytes; branch-free for 4 and 8 (a 0/1 predicate byte becomes a mask). */
final class SelectLoops {
    private SelectLoops() {}

    static void run(int size, MemorySegment p, MemorySegment a, long ao, MemorySegment b, long bo, MemorySegment o,
                    long oo, int n) {
        switch (size) {
            case 4 -> {
                for (int i = 0; i < n; i++) {
                    int m = -(p.get(ValueLayout.JAVA_BYTE, oo + i) & 1);
                    o.setAtIndex(Mem.I32, oo + i, (a.getAtIndex(Mem.I32, ao + i) & m) | (b.getAtIndex(Mem.I32, bo + i) & ~m));
                }
            }
            case 8 -> {
                for (int i = 0; i < n; i++) {
                    long m = -(p.get(ValueLayout.JAVA_BYTE, oo + i) & 1L);
                    o.setAtIndex(Mem.I64, oo + i, (a.getAtIndex(Mem.I64, ao + i) & m) | (b.getAtIndex(Mem.I64, bo + i) & ~m));
                }
            }
            case 2 -> {
                for (int i = 0; i < n; i++) {
                    boolean t = p.get(ValueLayout.JAVA_BYTE, oo + i) != 0;
                    o.setAtIndex(Mem.I16, oo + i, t ? a.getAtIndex(Mem.I16, ao + i) : b.getAtIndex(Mem.I16, bo + i));
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    boolean t = p.get(ValueLayout.JAVA_BYTE, oo + i) != 0;
                    o.set(ValueLayout.JAVA_BYTE, oo + i, t ? a.get(ValueLayout.JAVA_BYTE, ao + i) : b.get(ValueLayout.JAVA_BYTE, bo + i));
                }
            }
        }
    }
}
