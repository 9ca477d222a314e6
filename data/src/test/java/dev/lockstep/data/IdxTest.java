package dev.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.tensor.HostTensor;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
    @TempDir
    Path dir;

    private static byte[] idx(int type, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeInt(type << 8 | dims.length);
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(data);
        return b.toByteArray();
    }

    private Path write(String name, byte[] bytes, boolean gzip) throws IOException {
        Path f = dir.resolve(name);
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(f)) : Files.newOutputStream(f)) {
            out.write(bytes);
        }
        return f;
    }

    @Test
    void readsUnsignedBytesGzippedOrNot() throws IOException {
        byte[] file = idx(0x08, new int[] {2, 3}, new byte[] {0, 1, 2, (byte) 200, (byte) 255, 5});
        for (boolean gz : new boolean[] {false, true}) {
            HostTensor t = Idx.read(write("u8-" + gz, file, gz));
            assertEquals("i32[2, 3]", t.type().toString());
            assertArrayEquals(new int[] {0, 1, 2, 200, 255, 5}, (int[]) t.array());
        }
    }

    @Test
    void readsSignedBytesAndFilesLongerThanOneReadBlock() throws IOException {
        HostTensor s = Idx.read(write("s8", idx(0x09, new int[] {3}, new byte[] {-128, -1, 127}), false));
        assertArrayEquals(new int[] {-128, -1, 127}, (int[]) s.array());
        byte[] data = new byte[200_003];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        int[] v = (int[]) Idx.read(write("big", idx(0x08, new int[] {data.length}, data), true)).array();
        for (int i = 0; i < data.length; i++) {
            assertEquals(data[i] & 0xFF, v[i], "element " + i);
        }
    }

    @Test
    void truncatedBytesNameTheFirstMissingElement() throws IOException {
        byte[] full = idx(0x08, new int[] {10}, new byte[10]);
        Path cut = write("cut8", Arrays.copyOf(full, full.length - 3), false);
        var e = assertThrows(IllegalArgumentException.class, () -> Idx.read(cut));
        assertTrue(e.getMessage().contains(cut + " at byte offset 15") && e.getMessage().contains("element 7 of 10"),
                e.getMessage());
    }

    @Test
    void readsBigEndianFloats() throws IOException {
        byte[] data = java.nio.ByteBuffer.allocate(8).putFloat(1.5f).putFloat(-2f).array();
        HostTensor t = Idx.read(write("f32", idx(0x0D, new int[] {2}, data), false));
        assertArrayEquals(new float[] {1.5f, -2f}, t.floats());
    }

    @Test
    void zipsImagesAndLabelsIntoExamples() throws IOException {
        Path images = write("img", idx(0x08, new int[] {3, 2, 2}, new byte[12]), true);
        Path labels = write("lbl", idx(0x08, new int[] {3}, new byte[] {4, 5, 6}), false);
        List<Map<String, HostTensor>> ex = Drain.all(Dataset.fromIdx(Map.of("image", images, "label", labels)));
        assertEquals(3, ex.size());
        assertEquals("i32[2, 2]", ex.get(1).get("image").type().toString());
        assertEquals(5, ex.get(1).get("label").getLong(0));
    }

    @Test
    void badMagicAndTruncationNameFileAndOffset() throws IOException {
        Path bad = write("bad", new byte[] {1, 2, 8, 1, 0, 0, 0, 1, 0}, false);
        var e = assertThrows(IllegalArgumentException.class, () -> Idx.read(bad));
        assertTrue(e.getMessage().contains(bad + " at byte offset 0: bad magic"), e.getMessage());
        byte[] full = idx(0x0C, new int[] {4}, new byte[16]);
        Path cut = write("cut", Arrays.copyOf(full, full.length - 6), true);
        e = assertThrows(IllegalArgumentException.class, () -> Idx.read(cut));
        assertTrue(e.getMessage().contains(cut + " (gzip) at byte offset 16") && e.getMessage().contains("element 2 of 4"),
                e.getMessage());
    }

    /** The real MNIST test set, when the shared data directory exists (never copied into the project). */
    @Test
    void readsTheMnistTestSet() {
        Path mnist = null;
        for (Path p = Path.of("").toAbsolutePath(); p != null && mnist == null; p = p.getParent()) {
            Path c = p.resolve("shared/data/mnist-t10k");
            mnist = Files.isDirectory(c) ? c : null;
        }
        Assumptions.assumeTrue(mnist != null, "shared/data/mnist-t10k not found above " + Path.of("").toAbsolutePath()
                + "; skipping the real-MNIST check");
        Dataset<Map<String, HostTensor>> d = Dataset.fromIdx(Map.of(
                "image", mnist.resolve("t10k-images-idx3-ubyte.gz"), "label", mnist.resolve("t10k-labels-idx1-ubyte.gz")));
        int[] counts = new int[10];
        long n = 0;
        try (DatasetIterator<Map<String, HostTensor>> it = d.iterator()) {
            while (it.hasNext()) {
                Map<String, HostTensor> ex = it.next();
                assertEquals("i32[28, 28]", ex.get("image").type().toString());
                int[] px = (int[]) ex.get("image").array();
                assertTrue(Arrays.stream(px).allMatch(v -> v >= 0 && v <= 255));
                counts[(int) ex.get("label").getLong(0)]++;
                n++;
            }
        }
        assertEquals(10_000, n);
        for (int c = 0; c < 10; c++) {
            assertTrue(counts[c] >= 892 && counts[c] <= 1135, "class " + c + " has " + counts[c] + " examples");
        }
    }
}
