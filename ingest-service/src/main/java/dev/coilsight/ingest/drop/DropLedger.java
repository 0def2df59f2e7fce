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
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The drop folder's write-ahead ledger, {@code <root>/.coilsight/ledger.log}: before a file is
 * published a PENDING line records its image id and where its record will land (partition and the
 * partition's end offset); after the broker's acknowledgement a DONE line follows. Every line is
 * forced to disk. After a crash, a PENDING file is looked up in Kafka from that offset, so it is
 * published again only if its record is not there: nothing twice, nothing skipped.
 */
final class DropLedger implements AutoCloseable {

    /** What the ledger knows of one file version. */
    record Entry(String key, State state, String imageId, int partition, long fromOffset) {
    }

    enum State { PENDING, DONE, FAILED }

    private final FileChannel channel;
    private final Map<String, Entry> entries = new HashMap<>();

    DropLedger(Path file) {
        try {
            Files.createDirectories(file.getParent());
            byte[] existing = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
            load(new String(existing, StandardCharsets.UTF_8).lines().toList());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            if (existing.length > 0 && existing[existing.length - 1] != '\n') {
                // A crash tore the last line: end it, or the next line would be glued to it and lost on reload.
                append("");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the drop ledger " + file + ": " + e.getMessage(), e);
        }
    }

    private void load(List<String> lines) {
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length < 2) {
                continue; // a torn last line from a crash mid-write
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
    }

    Optional<Entry> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    void pending(String key, String imageId, int partition, long fromOffset) {
        append("PENDING " + encode(key) + " " + imageId + " " + partition + " " + fromOffset);
        entries.put(key, new Entry(key, State.PENDING, imageId, partition, fromOffset));
    }

    void done(String key, String imageId) {
        append("DONE " + encode(key) + " " + imageId);
        entries.put(key, new Entry(key, State.DONE, imageId, -1, -1));
    }

    void failed(String key) {
        append("FAILED " + encode(key));
        entries.put(key, new Entry(key, State.FAILED, null, -1, -1));
    }

    private void append(String line) {
        try {
            ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the drop ledger: " + e.getMessage(), e);
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
