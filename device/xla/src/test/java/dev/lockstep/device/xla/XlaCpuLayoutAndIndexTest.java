package dev.lockstep.device.xla;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.lockstep.tensor.DType;
import dev.lockstep.graph.Convolution;
import dev.lockstep.graph.DotGeneral;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.IndexOp;
import dev.lockstep.graph.LeafOp;
import dev.lockstep.graph.Node;
import dev.lockstep.graph.Tensor;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.Shape;
import dev.lockstep.tensor.TensorType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Layout ops, gather/scatter, dot_general and convolution run through XLA, against hand-computed values. */
class XlaCpuLayoutAndIndexTest {
    private static final HostTensor X23 = HostTensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);

    @Test
    void transposeSliceReverseConcatBroadcastIota() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 2, 3);
        Tensor iota = b.wrap(b.add(new LeafOp.Iota(TensorType.of(DType.I32, 2, 3), 1)));
        var r = XlaCpu.run(b.buildTensors(List.of(
                x.transpose(1, 0),
                x.slice(new int[] {0, 0}, new int[] {2, 3}, new int[] {1, 2}),
                x.reverse(0, 1),
                x.concat(0, x.slice(0, 1, 2)),
                x.slice(0, 0, 1).reshape(3).broadcastInDim(Shape.of(3, 2), 0),
                iota)), X23);
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, r.get(0).floats());
        assertArrayEquals(new float[] {1, 3, 4, 6}, r.get(1).floats());
        assertArrayEquals(new float[] {6, 5, 4, 3, 2, 1}, r.get(2).floats());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 4, 5, 6}, r.get(3).floats());
        assertArrayEquals(new float[] {1, 1, 2, 2, 3, 3}, r.get(4).floats());
        assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2}, (int[]) r.get(5).array());
    }

    @Test
    void padWithInteriorAndDynamicSliceClampsMixedIndexTypes() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 2, 3);
        Tensor row = b.input("row", DType.I32);
        Tensor col = b.input("col", DType.I64);
        var r = XlaCpu.run(b.buildTensors(List.of(
                x.pad(new int[] {1, 0}, new int[] {0, 1}, new int[] {0, 1}, -1),
                x.dynamicSlice(List.of(row, col), 1, 2))),
                X23, HostTensor.ofInts(new int[] {5}), HostTensor.ofLongs(new long[] {-4}));
        assertArrayEquals(new float[] {
                -1, -1, -1, -1, -1, -1,
                1, -1, 2, -1, 3, -1,
                4, -1, 5, -1, 6, -1}, r.get(0).floats());
        assertArrayEquals(new float[] {4, 5}, r.get(1).floats(), "starts clamp to [1, 0]");
    }

    @Test
    void gatherClampsAndScatterAddAccumulatesAndSkipsOutOfBounds() {
        GraphBuilder b = new GraphBuilder();
        Tensor table = b.input("table", DType.F32, 3, 2);
        Tensor ids = b.input("ids", DType.I32, 4);
        Tensor upd = b.input("upd", DType.F32, 4, 2);
        Tensor rows = table.take(ids);
        Node scattered = b.add(new IndexOp.ScatterAdd(new int[] {1}, new int[] {0}, new int[] {0}, 1),
                table.node(), ids.node(), upd.node());
        var r = XlaCpu.run(b.build(rows.node(), scattered),
                HostTensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 3, 2),
                HostTensor.ofInts(new int[] {2, 0, 9, 0}, 4),
                HostTensor.ofFloats(new float[] {10, 20, 30, 40, 50, 60, 70, 80}, 4, 2));
        assertArrayEquals(new float[] {5, 6, 1, 2, 5, 6, 1, 2}, r.get(0).floats(), "id 9 clamps to row 2");
        assertArrayEquals(new float[] {1 + 30 + 70, 2 + 40 + 80, 3, 4, 5 + 10, 6 + 20}, r.get(1).floats(),
                "duplicates add, id 9 is dropped");
    }

    @Test
    void dotGeneralWithBatchDimensions() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F64, 2, 1, 2);
        Tensor y = b.input("y", DType.F64, 2, 2, 1);
        Tensor d = x.dotGeneral(new DotGeneral(new int[] {0}, new int[] {0}, new int[] {2}, new int[] {1}), y);
        var r = XlaCpu.run1(b.buildTensors(List.of(d)), HostTensor.ofDoubles(new double[] {1, 2, 3, 4}, 2, 1, 2),
                HostTensor.ofDoubles(new double[] {5, 6, 7, 8}, 2, 2, 1));
        assertArrayEquals(new int[] {2, 1, 1}, r.shape().dims());
        assertArrayEquals(new double[] {1 * 5 + 2 * 6, 3 * 7 + 4 * 8}, (double[]) r.array());
    }

    @Test
    void convolutionWithStrideDilationPaddingAndGroups() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 1, 5, 2);
        Tensor k = b.input("k", DType.F32, 2, 1, 2);
        // 1-D, two groups of one channel each; kernel taps dilated by 2; stride 2; one zero of padding low.
        Convolution c = new Convolution(new int[] {2}, new int[] {1}, new int[] {0}, new int[] {1}, new int[] {2}, 2);
        Tensor y = x.conv(k, c);
        Tensor k2 = b.input("k2", DType.F32, 2, 2, 1, 1);
        Tensor img = b.input("img", DType.F32, 1, 2, 2, 1);
        // 2-D with the input dilated by 2 (transposed-convolution style) to 3x3, kernel 2x2, stride 1.
        Tensor z = img.conv(k2, new Convolution(new int[] {1, 1}, new int[2], new int[2], new int[] {2, 2}, new int[] {1, 1}, 1));
        var r = XlaCpu.run(b.buildTensors(List.of(y, z)),
                HostTensor.ofFloats(new float[] {1, 10, 2, 20, 3, 30, 4, 40, 5, 50}, 1, 5, 2),
                HostTensor.ofFloats(new float[] {1, 100, 1000, 10000}, 2, 1, 2),
                HostTensor.ofFloats(new float[] {1, 2, 3, 4}, 2, 2, 1, 1),
                HostTensor.ofFloats(new float[] {1, 2, 3, 4}, 1, 2, 2, 1));
        // padded channel 0: [0, 1, 2, 3, 4, 5]; outputs at positions 0, 2 read taps (p, p + 2).
        // channel 0 uses k[:, 0, 0] = (1, 1000); channel 1 uses k[:, 0, 1] = (100, 10000).
        assertArrayEquals(new int[] {1, 2, 2}, r.get(0).shape().dims());
        assertArrayEquals(new float[] {0 + 2 * 1000, 0 + 20 * 10000, 2 + 4 * 1000, 20 * 100 + 40 * 10000}, r.get(0).floats());
        // dilated image [[1, 0, 2], [0, 0, 0], [3, 0, 4]] cross-correlated with [[1, 2], [3, 4]]
        assertArrayEquals(new float[] {1, 2 * 2, 3 * 3, 4 * 4}, r.get(1).floats());
    }
}
