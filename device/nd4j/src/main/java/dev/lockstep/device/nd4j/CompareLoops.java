package dev.lockstep.device.nd4j;

import static dev.lockstep.device.nd4j.Mem.F32;

import dev.lockstep.graph.BinaryOp;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** f32 comparisons, one loop per direction (NaN compares false except NE, as IEEE says). */
final class CompareLoops {
    private CompareLoops() {}

    static void f32(BinaryOp.Direction dir, MemorySegment a, long ao, MemorySegment b, long bo, MemorySegment o, long oo,
                    int n) {
        switch (dir) {
            case EQ -> {
                for (int i = 0; i < n; i++) {
                    o.set(ValueLayout.JAVA_BYTE, oo + i, (byte) (a.getAtIndex(F32, ao + i) == b.getAtIndex(F32, bo + i) ? 1 : 0));
                }
            }
            case NE -> {
                for (int i = 0; i < n; i++) {
                    o.set(ValueLayout.JAVA_BYTE, oo + i, (byte) (a.getAtIndex(F32, ao + i) != b.getAtIndex(F32, bo + i) ? 1 : 0));
                }
            }
            case LT -> {
                for (int i = 0; i < n; i++) {
                    o.set(ValueLayout.JAVA_BYTE, oo + i, (byte) (a.getAtIndex(F32, ao + i) < b.getAtIndex(F32, bo + i) ? 1 : 0));
                }
            }
            case LE -> {
                for (int i = 0; i < n; i++) {
                    o.set(ValueLayout.JAVA_BYTE, oo + i, (byte) (a.getAtIndex(F32, ao + i) <= b.getAtIndex(F32, bo + i) ? 1 : 0));
                }
            }
            case GT -> {
                for (int i = 0; i < n; i++) {
                    o.set(ValueLayout.JAVA_BYTE, oo + i, (byte) (a.getAtIndex(F32, ao + i) > b.getAtIndex(F32, bo + i) ? 1 : 0));
                }
            }
            case GE -> {
                for (int i = 0; i < n; i++) {
                    o.set(ValueLayout.JAVA_BYTE, oo + i, (byte) (a.getAtIndex(F32, ao + i) >= b.getAtIndex(F32, bo + i) ? 1 : 0));
                }
            }
        }
    }
}
