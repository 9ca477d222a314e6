package dev.lockstep.device.xla;

import dev.lockstep.graph.Node;
import dev.lockstep.graph.RandomBits;
import dev.lockstep.tensor.Shape;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link RandomBits} as Threefry-2x32-20 written in StableHLO integer ops on ui32/ui64, bit-exact
 * with {@link dev.lockstep.graph.Threefry#bits}. Never {@code rng_bit_generator}: its bits are
 * implementation-defined, and every device must draw the same dropout mask (invariant 4).
 * Unsigned types make add wrap modulo 2^32 and shift_right_logical zero-fill, as the reference does.
 */
final class ThreefryLowering {
    private static final int[] ROTATIONS = {13, 15, 26, 6, 17, 29, 16, 24};
    private static final long PARITY = 0x1BD11BDAL;

    private final MlirWriter w;
    private final String u32;
    private final String u64;
    private final Map<Long, String> splats32 = new HashMap<>();

    private ThreefryLowering(MlirWriter w, Shape shape) {
        this.w = w;
        this.u32 = tensor(shape, "ui32");
        this.u64 = tensor(shape, "ui64");
    }

    static String lower(MlirWriter w, Node n, RandomBits r, String key, String counter) {
        return new ThreefryLowering(w, r.shape()).bits(n, key, counter);
    }

    private String bits(Node n, String key, String counter) {
        Shape s = n.shape();
        String key64 = w.rawOp("stablehlo.bitcast_convert", "tensor<ui64>", "", key);
        String thirtyTwo = w.rawOp("stablehlo.constant", "tensor<ui64>", "value = dense<32> : tensor<ui64>");
        String k0 = w.rawOp("stablehlo.convert", "tensor<ui32>", "", key64);
        String k1 = w.rawOp("stablehlo.convert", "tensor<ui32>", "",
                w.rawOp("stablehlo.shift_right_logical", "tensor<ui64>", "", key64, thirtyTwo));
        String parity = w.rawOp("stablehlo.constant", "tensor<ui32>", "value = dense<" + PARITY + "> : tensor<ui32>");
        String k2 = w.rawOp("stablehlo.xor", "tensor<ui32>", "", w.rawOp("stablehlo.xor", "tensor<ui32>", "", k0, k1), parity);
        String[] ks = {k0, k1, k2};

        // Block counter of element j (row-major) is counter + j, modulo 2^64.
        String index = w.rawOp("stablehlo.iota", tensor(Shape.of((int) s.size()), "i64"), "iota_dimension = 0 : i64");
        if (s.rank() != 1) {
            index = w.rawOp("stablehlo.reshape", tensor(s, "i64"), "", index);
        }
        String block = w.rawOp("stablehlo.add", u64, "", broadcast(w.rawOp("stablehlo.bitcast_convert", "tensor<ui64>", "", counter), u64),
                w.rawOp("stablehlo.bitcast_convert", u64, "", index));
        String hiShift = w.rawOp("stablehlo.constant", u64, "value = dense<32> : " + u64);
        String x0 = w.rawOp("stablehlo.convert", u32, "", block);
        String x1 = w.rawOp("stablehlo.convert", u32, "", w.rawOp("stablehlo.shift_right_logical", u64, "", block, hiShift));

        x0 = add(x0, broadcast(ks[0], u32));
        x1 = add(x1, broadcast(ks[1], u32));
        for (int b = 0; b < 5; b++) {
            for (int r = 0; r < 4; r++) {
                int rot = ROTATIONS[(b % 2) * 4 + r];
                x0 = add(x0, x1);
                String left = w.rawOp("stablehlo.shift_left", u32, "", x1, splat(rot));
                String right = w.rawOp("stablehlo.shift_right_logical", u32, "", x1, splat(32 - rot));
                x1 = w.rawOp("stablehlo.xor", u32, "", w.rawOp("stablehlo.or", u32, "", left, right), x0);
            }
            x0 = add(x0, broadcast(ks[(b + 1) % 3], u32));
            String inject = w.rawOp("stablehlo.add", "tensor<ui32>", "", ks[(b + 2) % 3],
                    w.rawOp("stablehlo.constant", "tensor<ui32>", "value = dense<" + (b + 1) + "> : tensor<ui32>"));
            x1 = add(x1, broadcast(inject, u32));
        }
        return w.op("stablehlo.bitcast_convert", n.type(), "", x0);
    }

    private String add(String a, String b) {
        return w.rawOp("stablehlo.add", u32, "", a, b);
    }

    private String broadcast(String scalar, String type) {
        return w.rawOp("stablehlo.broadcast_in_dim", type, "broadcast_dimensions = array<i64>", scalar);
    }

    private String splat(long v) {
        return splats32.computeIfAbsent(v, k -> w.rawOp("stablehlo.constant", u32, "value = dense<" + k + "> : " + u32));
    }

    private static String tensor(Shape s, String element) {
        StringBuilder b = new StringBuilder("tensor<");
        for (int i = 0; i < s.rank(); i++) {
            b.append(s.dim(i)).append('x');
        }
        return b.append(element).append('>').toString();
    }
}
