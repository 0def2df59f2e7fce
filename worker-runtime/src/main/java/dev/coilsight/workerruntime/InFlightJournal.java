package dev.coilsight.workerruntime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The crash-loop breaker of one worker thread. Before the model runs on a batch, the batch's records are
 * written, and forced to disk, to a small file named after the thread's transactional id; when the batch's
 * transaction ends the file is emptied. A record still listed when a worker starts was in flight when the
 * process died (native crash, the OOM killer, SIGKILL): it counts one death in the worker's {@link Deaths}.
 * A record with a death runs alone in its own batch, and alone in the process (no other thread has a batch
 * in flight meanwhile), so that the next death names it and no other; a
 * record with {@value #DEATHS_TO_GIVE_UP} deaths is dead-lettered {@code CRASHED} without running the model.
 * Without this, one image that crashes native code would restart the process for ever.
 */
final class InFlightJournal {

    private static final Logger log = LoggerFactory.getLogger(InFlightJournal.class);

    /** A record that was in flight this many times when the process died is not run again. */
    static final int DEATHS_TO_GIVE_UP = 2;

    record RecordId(String topic, int partition, long offset) {
        static RecordId of(ConsumerRecord<?, ?> r) {
            return new RecordId(r.topic(), r.partition(), r.offset());
        }

        @Override
        public String toString() {
            return topic + "-" + partition + "@" + offset;
        }
    }

    /**
     * The deaths of a worker's records, shared by its threads (a partition may move between them at a
     * restart) and kept in {@code <prefix>.deaths}: counted once when a worker starts, so a process that
     * dies again before it reaches a record does not count that record twice.
     */
    static final class Deaths {
        private final Path file;
        private final Map<RecordId, Integer> counts = new ConcurrentHashMap<>();
        /** Held exclusively while a record with a death runs, so that no other record is in flight at its next death. */
        private final ReadWriteLock inFlight = new ReentrantReadWriteLock(true);

        private Deaths(Path file) {
            this.file = file;
        }

        /** Reads the deaths so far and adds one for every record the journals of {@code transactionalIdPrefix} list. */
        static Deaths load(Path dir, String transactionalIdPrefix) {
            String prefix = safe(transactionalIdPrefix);
            Deaths deaths = new Deaths(dir.resolve(prefix + ".deaths"));
            try {
                Files.createDirectories(dir);
                read(deaths.file).forEach(deaths.counts::put);
                List<Path> journals = new ArrayList<>();
                Pattern ofThisWorker = Pattern.compile(Pattern.quote(prefix) + "-\\d+\\.inflight");
                try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, prefix + "-*.inflight")) {
                    files.forEach(f -> {
                        if (ofThisWorker.matcher(f.getFileName().toString()).matches()) {
                            journals.add(f);
                        }
                    });
                }
                // A record listed by two threads' journals (its partition moved between them) died once.
                Set<RecordId> inFlight = new HashSet<>();
                for (Path journal : journals) {
                    inFlight.addAll(read(journal).keySet());
                }
                inFlight.forEach(id -> deaths.counts.merge(id, 1, Integer::sum));
                // Journals emptied before the deaths are saved: a kill in between loses this start's count, never doubles it.
                for (Path journal : journals) {
                    Files.write(journal, new byte[0]);
                }
                deaths.save();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the in-flight journals in " + dir + " (COILSIGHT_STATE_DIR): " + e.getMessage(), e);
            }
            if (!deaths.counts.isEmpty()) {
                log.warn("{}: records in flight when earlier processes died (deaths): {}", transactionalIdPrefix, deaths.counts);
            }
            return deaths;
        }

        int of(ConsumerRecord<?, ?> record) {
            return counts.getOrDefault(RecordId.of(record), 0);
        }

        boolean none() {
            return counts.isEmpty();
        }

        /** These records are committed: their deaths no longer matter. */
        void forget(Collection<BatchProcessor.Polled> batch) {
            if (counts.isEmpty()) {
                return;
            }
            boolean changed = false;
            for (BatchProcessor.Polled p : batch) {
                changed |= counts.remove(RecordId.of(p.record())) != null;
            }
            if (changed) {
                save();
            }
        }

        private synchronized void save() {
            StringBuilder lines = new StringBuilder();
            counts.forEach((id, n) -> line(lines, id, n));
            Path next = file.resolveSibling(file.getFileName() + ".next");
            try {
                Files.writeString(next, lines, StandardCharsets.UTF_8);
                Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file + " (COILSIGHT_STATE_DIR): " + e.getMessage(), e);
            }
        }
    }

    private final Path file;
    private final Deaths deaths;

    InFlightJournal(Path dir, String transactionalId, Deaths deaths) {
        this.file = dir.resolve(safe(transactionalId) + ".inflight");
        this.deaths = deaths;
    }

    /**
     * The lock to hold from {@link #beforeInference} to {@link #ended}: shared for ordinary batches,
     * exclusive across the worker's threads for a record with a death.
     */
    Lock lockFor(List<BatchProcessor.Polled> batch) {
        return suspect(batch) ? deaths.inFlight.writeLock() : deaths.inFlight.readLock();
    }

    /** Whether a record of the batch was in flight when a worker process died. */
    boolean suspect(List<BatchProcessor.Polled> batch) {
        return !deaths.none() && batch.stream().anyMatch(p -> deaths(p.record()) > 0);
    }

    /** Times a worker process died while this record was in flight. */
    int deaths(ConsumerRecord<?, ?> record) {
        return deaths.of(record);
    }

    /** The batch cut into the batches to run, in order: each record with a death alone, the others together as they came. */
    List<List<BatchProcessor.Polled>> parts(List<BatchProcessor.Polled> batch) {
        if (deaths.none()) {
            return List.of(batch);
        }
        List<List<BatchProcessor.Polled>> parts = new ArrayList<>();
        List<BatchProcessor.Polled> run = new ArrayList<>();
        for (BatchProcessor.Polled polled : batch) {
            if (deaths(polled.record()) > 0) {
                if (!run.isEmpty()) {
                    parts.add(run);
                    run = new ArrayList<>();
                }
                parts.add(List.of(polled));
            } else {
                run.add(polled);
            }
        }
        if (!run.isEmpty()) {
            parts.add(run);
        }
        return parts;
    }

    /** Records the batch as in flight, on disk, before the model runs on it. */
    void beforeInference(List<BatchProcessor.Polled> batch) {
        StringBuilder lines = new StringBuilder();
        batch.forEach(p -> line(lines, RecordId.of(p.record()), 0));
        write(lines.toString(), true);
    }

    /** The thread ends on an exception of its own (not a crash): what it had in flight is no record's fault. */
    void abandoned() {
        write("", false);
    }

    /** The batch's transaction ended: nothing of it is in flight any more. */
    void ended(List<BatchProcessor.Polled> batch, boolean committed) {
        if (committed) {
            deaths.forget(batch);
        }
        write("", false);
    }

    private void write(String lines, boolean force) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap(lines.getBytes(StandardCharsets.UTF_8)));
            if (force) {
                channel.force(false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the in-flight journal " + file + " (COILSIGHT_STATE_DIR): " + e.getMessage(), e);
        }
    }

    private static String safe(String id) {
        return id.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static void line(StringBuilder out, RecordId id, int count) {
        out.append(id.topic()).append('\t').append(id.partition()).append('\t').append(id.offset()).append('\t').append(count).append('\n');
    }

    /** Lines {@code topic \t partition \t offset \t count}; a torn line (a crash while writing) is skipped. */
    private static Map<RecordId, Integer> read(Path file) throws IOException {
        Map<RecordId, Integer> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            parse(line).ifPresent(e -> out.put(e.getKey(), e.getValue()));
        }
        return out;
    }

    private static Optional<Map.Entry<RecordId, Integer>> parse(String line) {
        String[] f = line.split("\t");
        if (f.length != 4) {
            return Optional.empty();
        }
        try {
            return Optional.of(Map.entry(new RecordId(f[0], Integer.parseInt(f[1]), Long.parseLong(f[2])), Integer.parseInt(f[3])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
