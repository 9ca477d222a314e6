package dev.lockstep.estimator.checkpoint;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checkpoints of one model directory, one {@code ckpt-<step>/} directory each (see
 * {@link CheckpointFiles} for its contents). A save is built under a hidden temporary name, fsynced,
 * then renamed into place atomically; older checkpoints beyond the newest {@code keep} are deleted only
 * after that, and never the one just saved. Readers skip checkpoints that fail verification with a
 * warning naming the file, and fall back to the next older one. One writer (the chief) writes a
 * model directory: the first save, or {@link #lockForWriting}, takes the directory's {@link ModelDirLock}
 * and holds it until {@link #close}, so a second writer fails at once instead of deleting this one's
 * in-progress saves (a save deletes the leftovers of interrupted saves) or continuing from its
 * checkpoints. Readers take no lock.
 */
public final class CheckpointStore implements AutoCloseable {
    private static final Pattern COMMITTED = Pattern.compile("ckpt-(\\d{1,18})");
    /** A committed checkpoint moved aside while a save of the same step replaces it. */
    private static final Pattern REPLACED = Pattern.compile("ckpt-(\\d{1,18})\\.replaced");
    private static final Pattern TEMPORARY = Pattern.compile("\\.ckpt-\\d{1,18}\\.tmp-.*");

    private final Path modelDir;
    private final int keep;
    private final System.Logger log;
    /** Checkpoints this store found corrupt; pruning deletes them before any other. */
    private final Set<Path> knownBad = new HashSet<>();
    /** Held from the first write on; null for a reader. */
    private ModelDirLock lock;

    public CheckpointStore(Path modelDir, int keep) {
        this(modelDir, keep, System.getLogger(CheckpointStore.class.getName()));
    }

    /** As above, logging skipped and cleaned-up checkpoints to {@code log}. */
    public CheckpointStore(Path modelDir, int keep, System.Logger log) {
        this.modelDir = Objects.requireNonNull(modelDir, "modelDir");
        this.log = Objects.requireNonNull(log, "log");
        if (keep < 1) {
            throw new IllegalArgumentException("keep = " + keep + " must be at least 1 (the newest checkpoint)");
        }
        this.keep = keep;
    }

    public Path modelDir() {
        return modelDir;
    }

    /** Where the checkpoint of {@code step} lives once committed. */
    public Path directory(long step) {
        return modelDir.resolve("ckpt-" + step);
    }

    /**
     * Makes this store the directory's one writer, before any write: creates the directory, proves it
     * writable ({@link ModelDirNotWritableException} naming it and the cause) and takes its lock
     * ({@link ModelDirLockedException} naming the holder). Does nothing if this store already holds it.
     */
    public synchronized void lockForWriting() throws IOException {
        if (lock == null) {
            WritableDir.require(modelDir);
            lock = ModelDirLock.acquire(modelDir);
        }
    }

    /** Whether this store holds the directory's writer lock. */
    public synchronized boolean isWriter() {
        return lock != null;
    }

    /** Releases the writer lock, if this store took it; reading still works afterwards. */
    @Override
    public synchronized void close() {
        if (lock != null) {
            lock.close();
            lock = null;
        }
    }

    /**
     * Writes {@code c} durably as {@code ckpt-<step>/}, replacing a checkpoint of the same step, then
     * prunes. Takes the writer lock first if this store does not hold it yet. Returns the manifest as
     * written (with its data files and their sha256).
     */
    public synchronized Manifest save(Checkpoint c) throws IOException {
        long step = c.manifest().step();
        lockForWriting();
        removeTemporaries(false);
        Path tmp = modelDir.resolve(".ckpt-" + step + ".tmp-" + UUID.randomUUID());
        Files.createDirectory(tmp);
        Manifest written;
        try {
            written = CheckpointFiles.write(tmp, c);
        } catch (IOException | RuntimeException e) {
            DurableFiles.deleteTree(tmp, CheckpointFiles.MANIFEST_FILE);
            throw e;
        }
        Path target = directory(step);
        Path aside = modelDir.resolve("ckpt-" + step + ".replaced");
        if (Files.exists(target)) {
            // A directory cannot be renamed over a non-empty one: move the old copy aside first. Until
            // the new one is in place, readers still find the old copy under the .replaced name.
            DurableFiles.deleteTree(aside, CheckpointFiles.MANIFEST_FILE);
            Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        DurableFiles.fsyncDirectory(modelDir);
        knownBad.remove(target);
        DurableFiles.deleteTree(aside, CheckpointFiles.MANIFEST_FILE);
        prune(step);
        return written;
    }

    /**
     * The newest checkpoint that verifies (sizes, sha256, format), or empty if there is none. Each
     * newer one that fails is logged as a warning naming the bad file, then skipped.
     */
    public synchronized Optional<Checkpoint> latestValid() throws IOException {
        removeTemporaries(true);
        for (Candidate cand : candidates()) {
            try {
                return Optional.of(CheckpointFiles.read(cand.dir(), cand.step()));
            } catch (CorruptCheckpointException e) {
                knownBad.add(cand.dir());
                log.log(Level.WARNING, "skipping checkpoint " + cand.dir() + ": " + e.getMessage()
                        + "; falling back to the previous checkpoint");
            } catch (IOException e) {
                log.log(Level.WARNING, "skipping checkpoint " + cand.dir() + ": cannot read it: " + e
                        + "; falling back to the previous checkpoint");
            }
        }
        return Optional.empty();
    }

    /** The checkpoint of {@code step}, fully verified; errors name the file and what is wrong with it. */
    public synchronized Checkpoint load(long step) throws IOException {
        for (Candidate cand : candidates()) {
            if (cand.step() == step) {
                return CheckpointFiles.read(cand.dir(), step);
            }
        }
        throw new IOException("no checkpoint of step " + step + " in " + modelDir + "; it holds steps " + steps());
    }

    /**
     * The subtree under {@code prefix} of the newest valid checkpoint, renamed under {@code remapTo}
     * (see {@link Checkpoint#subtree}), for fine-tuning part of a model from another run.
     */
    public Optional<Checkpoint> loadSubtree(String prefix, String remapTo) throws IOException {
        return latestValid().map(c -> c.subtree(prefix, remapTo));
    }

    /** Steps of the committed checkpoints, newest first, without verifying them. */
    public synchronized List<Long> steps() throws IOException {
        return candidates().stream().map(Candidate::step).distinct().toList();
    }

    private record Candidate(long step, Path dir, boolean replaced) {
    }

    /** Committed directories newest first; a .replaced copy comes right after its step's new copy. */
    private List<Candidate> candidates() throws IOException {
        List<Candidate> out = new ArrayList<>();
        if (!Files.isDirectory(modelDir)) {
            return out;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(modelDir)) {
            for (Path p : s) {
                String name = p.getFileName().toString();
                Matcher m = COMMITTED.matcher(name);
                Matcher r = REPLACED.matcher(name);
                if (m.matches() && Files.isDirectory(p)) {
                    out.add(new Candidate(Long.parseLong(m.group(1)), p, false));
                } else if (r.matches() && Files.isDirectory(p)) {
                    out.add(new Candidate(Long.parseLong(r.group(1)), p, true));
                }
            }
        }
        out.sort(Comparator.comparingLong(Candidate::step).reversed().thenComparing(Candidate::replaced));
        return out;
    }

    /** Leftovers of interrupted saves are never valid; report them (reading) or delete them (saving). */
    private void removeTemporaries(boolean reportOnly) throws IOException {
        if (!Files.isDirectory(modelDir)) {
            return;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(modelDir)) {
            for (Path p : s) {
                if (TEMPORARY.matcher(p.getFileName().toString()).matches()) {
                    if (reportOnly) {
                        log.log(Level.WARNING, "ignoring incomplete checkpoint " + p + " left by an interrupted "
                                + "save; the next save deletes it");
                    } else {
                        log.log(Level.INFO, "deleting incomplete checkpoint " + p + " left by an interrupted save");
                        DurableFiles.deleteTree(p, CheckpointFiles.MANIFEST_FILE);
                    }
                }
            }
        }
    }

    /**
     * Keeps the checkpoint just saved plus the {@code keep - 1} newest others, preferring ones not known
     * to be corrupt; deletes the rest. Runs only after the new checkpoint is durable.
     */
    private void prune(long savedStep) throws IOException {
        List<Candidate> all = candidates();
        Set<Long> committed = new HashSet<>();
        all.stream().filter(cand -> !cand.replaced()).forEach(cand -> committed.add(cand.step()));
        List<Candidate> others = new ArrayList<>();
        for (Candidate cand : all) {
            if (cand.replaced() && committed.contains(cand.step())) {
                // An interrupted replacement whose new copy did land: the old copy is superseded.
                DurableFiles.deleteTree(cand.dir(), CheckpointFiles.MANIFEST_FILE);
            } else if (cand.step() != savedStep) {
                others.add(cand);
            }
        }
        others.sort(Comparator.comparing((Candidate cand) -> knownBad.contains(cand.dir()))
                .thenComparing(Candidate::step, Comparator.reverseOrder()));
        for (int i = 0; i < others.size(); i++) {
            Candidate cand = others.get(i);
            if (i < keep - 1) {
                if (cand.step() > savedStep && !knownBad.contains(cand.dir())) {
                    log.log(Level.WARNING, "checkpoint " + cand.dir() + " is newer than the one just saved (step "
                            + savedStep + "); latestValid() will resume from it while it is kept");
                }
                continue;
            }
            DurableFiles.deleteTree(cand.dir(), CheckpointFiles.MANIFEST_FILE);
            knownBad.remove(cand.dir());
        }
        DurableFiles.fsyncDirectory(modelDir);
    }
}
