package dev.lockstep.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.stream.Stream;

/**
 * An ordered list of shard files. Order is lexicographic by path, so which worker reads which file
 * depends only on the pattern and world size (invariant 5), never on directory listing order.
 */
public record FileSet(String description, List<Path> files) {
    public FileSet {
        files = List.copyOf(files);
    }

    public static FileSet of(Path... files) {
        return new FileSet("files" + List.of(files), List.of(files));
    }

    /**
     * A directory (its regular, non-hidden files) or a glob in the last path component, e.g.
     * {@code data/train-*.tfrecord}. Matching nothing is an error naming the pattern.
     */
    public static FileSet of(String dirOrGlob) {
        Path p = Path.of(dirOrGlob);
        Path dir = Files.isDirectory(p) ? p : p.getParent() == null ? Path.of(".") : p.getParent();
        String glob = Files.isDirectory(p) ? "*" : p.getFileName().toString();
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(f -> Files.isRegularFile(f) && !f.getFileName().toString().startsWith(".")
                    && m.matches(f.getFileName())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("file set '" + dirOrGlob + "': cannot list directory " + dir, e);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("file set '" + dirOrGlob + "' matches no files in " + dir.toAbsolutePath());
        }
        return new FileSet(dirOrGlob, files);
    }

    /**
     * Shards by file: worker {@code index} of {@code count} gets files index, index + count, ... A worker
     * left without files is an error rather than a silently idle worker.
     */
    public FileSet shard(int count, int index) {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("file shard: need 0 <= index < count, got count=" + count
                    + ", index=" + index);
        }
        if (files.size() < count) {
            throw new IllegalArgumentException("file shard: '" + description + "' has " + files.size()
                    + " files for " + count + " workers, so worker " + (count - 1) + " would get none; "
                    + "write more shard files or shard by record (Dataset.shard)");
        }
        List<Path> mine = java.util.stream.IntStream.range(0, files.size()).filter(i -> i % count == index)
                .mapToObj(files::get).toList();
        return new FileSet(description + "[shard " + index + "/" + count + "]", mine);
    }

    @Override
    public String toString() {
        return description + " (" + files.size() + " files)";
    }
}
