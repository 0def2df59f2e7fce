package dev.coilsight.ingest.drop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The drop folder's write-ahead ledger, {@code <root>/.coilsight/ledger.log}: before a file is
 * published a PENDING line records its image id and where its record will land (partition and the
 * partition's end offset); after the broker's acknowledgement a DONE line follows. Every line is
 * forced to disk. After a crash, a PENDING file is looked up in Kafka from that offset, so it is
 * published again only if its record is not there: nothing twice, nothing skipped.
 *
 * <p>A DONE or FAILED line matters only while its file version is still on disk (in the drop folder after
 * a crash between the line and the move, or in {@code done/} or {@code failed/}, whence it may be moved
 * back); so the ledger is compacted at
 * open and whenever the lines written since exceed {@code compactAfterLines} and twice the entries it kept then:
 * rewritten (atomically) with its PENDING entries and the others whose file is still there. Memory
 * and file size stay bounded by the files kept on disk, not by every file the folder ever took.
 */
final class DropLedger implements AutoCloseable {

    /** What the ledger knows of one file version. */
    record Entry(String key, State state, String imageId, int partition, long fromOffset) {
    }

    enum State { PENDING, DONE, FAILED }

    /** Lines written between compactions, at least. */
    static final int COMPACT_AFTER_LINES = 10_000;

    private final Path file;
    private final Predicate<String> stillDropped;
    private final int compactAfterLines;
    private final Map<String, Entry> entries = new HashMap<>();
    private FileChannel channel;
    private int linesSinceCompaction;
    private int entriesAfterCompaction;

    /** A ledger that never forgets a DONE or FAILED entry (for tests of its format). */
    DropLedger(Path file) {
        this(file, key -> true, Integer.MAX_VALUE);
    }

    /**
     * @param stillDropped whether the file version a key names is still in the drop folder
     */
    DropLedger(Path file, Predicate<String> stillDropped, int compactAfterLines) {
        this.file = file;
        this.stillDropped = stillDropped;
        this.compactAfterLines = compactAfterLines;
        try {
            Files.createDirectories(file.getParent());
            if (Files.exists(file)) {
                try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
                    lines.forEach(this::load);
                } catch (UncheckedIOException e) {
                    // bytes that are no UTF-8 (a torn write): read what can be read
                    load(new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList());
                }
            }
            compact();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the drop ledger " + file + ": " + e.getMessage(), e);
        }
    }

    /** Rewrites the ledger with the entries still needed, then appends to the new file. */
    private void compact() throws IOException {
        entries.values().removeIf(e -> e.state() != State.PENDING && !stillDropped.test(e.key()));
        Path next = file.resolveSibling(file.getFileName() + ".next");
        try (FileChannel out = FileChannel.open(next, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            StringBuilder lines = new StringBuilder();
            for (Entry e : entries.values()) {
                lines.append(line(e)).append('\n');
            }
            ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(true);
        }
        // Moved first: if the rename fails, the old file and its channel go on as they were.
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        FileChannel previous = channel;
        channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        if (previous != null) {
            previous.close();
        }
        linesSinceCompaction = 0;
        entriesAfterCompaction = entries.size();
    }

    private static String line(Entry e) {
        return switch (e.state()) {
            case PENDING -> "PENDING " + encode(e.key()) + " " + e.imageId() + " " + e.partition() + " " + e.fromOffset();
            case DONE -> "DONE " + encode(e.key()) + " " + e.imageId();
            case FAILED -> "FAILED " + encode(e.key());
        };
    }

    /** How many entries the ledger holds now. */
    int size() {
        return entries.size();
    }

    private void load(List<String> lines) {
        lines.forEach(this::load);
    }

    private void load(String line) {
        String[] f = line.split(" ");
        if (f.length < 2) {
            return; // a torn last line from a crash mid-write
        }
        try {
            State state = State.valueOf(f[0]);
            String key = URLDecoder.decode(f[1], StandardCharsets.UTF_8);
            switch (state) {
                case PENDING -> entries.put(key, new Entry(key, state, f[2], Integer.parseInt(f[3]), Long.parseLong(f[4])));
                case DONE -> entries.put(key, new Entry(key, state, f[2], -1, -1));
                case FAILED -> entries.put(key, new Entry(key, state, null, -1, -1));
            }
        } catch (RuntimeException e) {
            // torn or unknown line: ignore, the file will be re-checked
        }
    }

    Optional<Entry> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    void pending(String key, String imageId, int partition, long fromOffset) {
        record(new Entry(key, State.PENDING, imageId, partition, fromOffset));
    }

    void done(String key, String imageId) {
        record(new Entry(key, State.DONE, imageId, -1, -1));
    }

    void failed(String key) {
        record(new Entry(key, State.FAILED, null, -1, -1));
    }

    private void record(Entry entry) {
        long end = -1;
        try {
            end = channel.size();
            ByteBuffer bytes = ByteBuffer.wrap((line(entry) + "\n").getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(false);
            entries.put(entry.key(), entry);
            if (++linesSinceCompaction > Math.max(compactAfterLines, 2L * entriesAfterCompaction)) {
                compact();
            }
        } catch (IOException e) {
            cutBackTo(end);
            throw new UncheckedIOException("cannot write the drop ledger " + file + ": " + e.getMessage(), e);
        }
    }

    /** Drops what a failed write left of its line (a full disk mid-line): the next line would be glued to it and lost. */
    private void cutBackTo(long end) {
        if (end >= 0) {
            try {
                channel.truncate(end);
            } catch (IOException ignored) {
                // the disk refuses even that: the ledger is read line by line at the next start, and a torn line is skipped
            }
        }
    }

    private static String encode(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing an append-only file; nothing to save
        }
    }
}
