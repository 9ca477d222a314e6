package dev.lockstep.graph.autodiff;

import dev.lockstep.graph.Convolution;
import dev.lockstep.graph.Node;
import dev.lockstep.tensor.Shape;

/**
 * Convolution's cotangents are convolutions in the same channels-last layout
 * ({@code [N, S..., C] x [K..., C/G, O] -> [N, S'..., O]}). Per spatial dimension, with kernel
 * size k, dilated kernel size kd = (k-1)·rd + 1 and input dilated size nd = (n-1)·ld + 1:
 * <ul>
 *   <li>input: the cotangent dilated by the strides, padded by kd-1-lo below, convolved with the
 *       spatially reversed kernel (channel roles swapped per group) at stride ld;
 *   <li>kernel: the input, with batch and channels exchanged, convolved with the cotangent used as
 *       a kernel dilated by the strides, at stride rd (groups become groups of the batch).
 * </ul>
 */
final class ConvVjp {
    private ConvVjp() {}

    static Node[] of(Convolution c, Node n, Node g, boolean[] need, Emit e) {
        Node x = n.operand(0), w = n.operand(1);
        if (g.shape().size() == 0 || x.shape().size() == 0) {
            return new Node[] {e.like(x, 0), e.like(w, 0)};
        }
        return new Node[] {need[0] ? input(c, x, w, g, e) : null, need[1] ? kernel(c, x, w, g, e) : null};
    }

    private static Node input(Convolution c, Node x, Node w, Node g, Emit e) {
        int s = c.spatialRank(), groups = c.featureGroupCount();
        int cg = w.shape().dim(s), og = w.shape().dim(s + 1) / groups;
        // [K..., cg, G*og] -> [K..., og, G*cg], each group's block transposed, spatially reversed.
        int[] k = w.shape().dims();
        Node split = e.reshape(w, Shape.of(concat(k, s, cg, groups, og)));
        int[] perm = new int[s + 3];
        for (int i = 0; i < s; i++) {
            perm[i] = i;
        }
        perm[s] = s + 2;
        perm[s + 1] = s + 1;
        perm[s + 2] = s;
        Node swapped = e.reshape(e.transpose(split, perm), Shape.of(concat(k, s, og, groups * cg)));
        Node kernel = e.reverse(swapped, Emit.range(0, s));

        int[] lo = new int[s], hi = new int[s];
        boolean negative = false;
        for (int i = 0; i < s; i++) {
            int kd = (k[i] - 1) * c.rhsDilation()[i] + 1;
            int nd = (x.shape().dim(i + 1) - 1) * c.lhsDilation()[i] + 1;
            int glen = (g.shape().dim(i + 1) - 1) * c.strides()[i] + 1;
            lo[i] = kd - 1 - c.padLow()[i];
            hi[i] = nd + c.padLow()[i] - glen;
            negative |= lo[i] < 0 || hi[i] < 0;
        }
        int[] ones = Emit.ones(s);
        if (!negative) {
            return e.op(new Convolution(c.lhsDilation(), lo, hi, c.strides(), c.rhsDilation(), groups), g, kernel);
        }
        // Padding would be negative: dilate, pad and crop the cotangent explicitly instead.
        int[] plo = new int[s + 2], phi = new int[s + 2], interior = new int[s + 2];
        for (int i = 0; i < s; i++) {
            plo[i + 1] = lo[i];
            phi[i + 1] = hi[i];
            interior[i + 1] = c.strides()[i] - 1;
        }
        Node gp = e.padOrCrop(g, plo, phi, interior, 0);
        return e.op(new Convolution(c.lhsDilation(), new int[s], new int[s], ones, c.rhsDilation(), groups), gp, kernel);
    }

    private static Node kernel(Convolution c, Node x, Node w, Node g, Emit e) {
        int s = c.spatialRank(), groups = c.featureGroupCount();
        int batch = x.shape().dim(0), cg = w.shape().dim(s);
        int[] xs = x.shape().dims();
        // [N, S..., G*cg] -> [cg, S..., G*N]: input channels become the batch, the batch the features.
        int[] split = new int[s + 3];
        split[0] = batch;
        for (int i = 0; i < s; i++) {
            split[i + 1] = xs[i + 1];
        }
        split[s + 1] = groups;
        split[s + 2] = cg;
        int[] perm = new int[s + 3];
        perm[0] = s + 2;
        for (int i = 0; i < s; i++) {
            perm[i + 1] = i + 1;
        }
        perm[s + 1] = s + 1;
        perm[s + 2] = 0;
        int[] lhsDims = new int[s + 2];
        lhsDims[0] = cg;
        for (int i = 0; i < s; i++) {
            lhsDims[i + 1] = xs[i + 1];
        }
        lhsDims[s + 1] = groups * batch;
        Node lhs = e.reshape(e.transpose(e.reshape(x, Shape.of(split)), perm), Shape.of(lhsDims));
        // [N, S'..., O] -> [S'..., N, O]: the cotangent is the kernel, N its input channels.
        int[] gperm = new int[s + 2];
        for (int i = 0; i < s; i++) {
            gperm[i] = i + 1;
        }
        gperm[s] = 0;
        gperm[s + 1] = s + 1;
        Node rhs = e.transpose(g, gperm);
        Node conv = e.op(new Convolution(c.rhsDilation(), c.padLow(), c.padHigh(), c.lhsDilation(), c.strides(),
                groups), lhs, rhs);
        // The output can run past the kernel size when padding leaves a remainder: keep the first k.
        int[] limit = conv.shape().dims();
        for (int i = 0; i < s; i++) {
            limit[i + 1] = w.shape().dim(i);
        }
        Node cropped = e.slice(conv, new int[s + 2], limit, Emit.ones(s + 2));
        // [cg, K..., O] -> [K..., cg, O]
        int[] back = new int[s + 2];
        for (int i = 0; i < s; i++) {
            back[i] = i + 1;
        }
        back[s] = 0;
        back[s + 1] = s + 1;
        return e.transpose(cropped, back);
    }

    /** The first {@code n} entries of {@code a} followed by {@code tail}. */
    private static int[] concat(int[] a, int n, int... tail) {
        int[] out = new int[n + tail.length];
        System.arraycopy(a, 0, out, 0, n);
        System.arraycopy(tail, 0, out, n, tail.length);
        return out;
    }
}
