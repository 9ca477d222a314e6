package dev.lockstep.estimator.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds safetensors files byte by byte, following the spec and independent of the writer under test. */
final class SafeTensorsBytes {
    private SafeTensorsBytes() {
    }

    /** 8-byte little-endian length, the header padded with spaces to a multiple of 8, then {@code data}. */
    static byte[] file(String header, int... data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < 8; i++) {
            out.write((int) ((long) padded >>> (8 * i)) & 0xff);
        }
        out.writeBytes(h);
        for (int i = h.length; i < padded; i++) {
            out.write(' ');
        }
        for (int b : data) {
            out.write(b);
        }
        return out.toByteArray();
    }

    static Path write(Path dir, String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }
}
