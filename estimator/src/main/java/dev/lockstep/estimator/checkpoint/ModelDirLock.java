package dev.lockstep.estimator.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exclusive writer lock of a model directory: {@value #FILE_NAME} in it, locked with
 * {@link FileChannel#tryLock} for the writer's lifetime and holding the writer's pid, host and start
 * time. Exactly one writer per model directory (the distributed coordinator relies on it). The OS lock
 * dies with its process, so a file left by a killed writer is stale and simply taken over; the file is
 * never deleted, because deleting it would let a waiting writer lock an unlinked copy beside a new one.
 * Readers never touch the file.
 */
public final class ModelDirLock implements AutoCloseable {
    public static final String FILE_NAME = ".lockstep.lock";

    /**
     * Locks this JVM holds, by lock file. OS file locks belong to the process, so a second writer in the
     * same JVM must be refused here: its tryLock would throw OverlappingFileLockException, and merely
     * opening and closing the file again would release the first writer's lock (POSIX fcntl semantics).
     * The one piece of static state in the module, because the OS lock it mirrors is process-wide too.
     */
    private static final Map<Path, Holder> HELD = new ConcurrentHashMap<>();

    /** Who holds (or last held) a lock. */
    public record Holder(long pid, String host, Instant started) {
        static Holder current() {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "unknown-host";
            }
            return new Holder(ProcessHandle.current().pid(), host,
                    ProcessHandle.current().info().startInstant().orElse(Instant.now()));
        }

        String toFileText() {
            return "pid=" + pid + "\nhost=" + host + "\nstarted=" + started + "\n";
        }

        /** The holder a lock file describes, or null if it cannot be read as one. */
        static Holder parse(String text) {
            Map<String, String> kv = new LinkedHashMap<>();
            for (String line : text.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    kv.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                }
            }
            try {
                return new Holder(Long.parseLong(kv.get("pid")), kv.get("host"), Instant.parse(kv.get("started")));
            } catch (RuntimeException e) {
                return null;
            }
        }

        @Override
        public String toString() {
            return "pid " + pid + " on host " + host + ", started " + started;
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private ModelDirLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code modelDir}, which must exist; fails at once (never waits) with a
     * {@link ModelDirLockedException} naming the holder when another writer, in this process or another,
     * holds it.
     */
    public static ModelDirLock acquire(Path modelDir) throws IOException {
        Path file = modelDir.toRealPath().resolve(FILE_NAME);
        Holder self = Holder.current();
        Holder inThisJvm = HELD.putIfAbsent(file, self);
        if (inThisJvm != null) {
            throw new ModelDirLockedException(modelDir, file, inThisJvm, inThisJvm + " (this process)");
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held through another channel of this JVM: the same answer as another process
            }
            if (lock == null) {
                // Read through the channel already open: another open and close could drop an OS lock we hold.
                String text = read(ch);
                Holder other = Holder.parse(text);
                throw new ModelDirLockedException(modelDir, file, other,
                        other != null ? other.toString() : "unknown holder (lock file reads '" + text.strip() + "')");
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(self.toFileText().getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(true);
            ModelDirLock taken = new ModelDirLock(file, ch, lock);
            ch = null;
            return taken;
        } finally {
            if (ch != null) {
                ch.close();
                HELD.remove(file, self);
            }
        }
    }

    /** The lock file. */
    public Path file() {
        return file;
    }

    /** Releases the lock; the file stays, describing its last holder (stale from now on). */
    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("releasing the model directory lock " + file, e);
        } finally {
            HELD.remove(file);
        }
    }

    private static String read(FileChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(4096);
        long pos = 0;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                break;
            }
            pos += n;
        }
        return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
    }
}
