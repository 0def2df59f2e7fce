package dev.coilsight.bench.ingest;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** The phases of a round, in the order they run; {@code --phases} names them by {@link #id}. */
enum Phase {
    RAW("raw"),
    RAW_SYNC("raw-sync"),
    PUBLISHER("publisher"),
    HTTP("http"),
    HTTP_NULL("http-null");

    final String id;

    Phase(String id) {
        this.id = id;
    }

    /** What the phase measures, for the table and the progress lines. */
    String label(LoadSettings settings) {
        return switch (this) {
            case RAW -> "raw producer, pipelined (window " + settings.window() + ")";
            case RAW_SYNC -> "raw producer, " + settings.clients() + " threads send+wait";
            case PUBLISHER -> "ImagePublisher, " + settings.clients() + " threads (no HTTP)";
            case HTTP -> "HTTP POST to ingest, " + settings.clients() + " clients";
            case HTTP_NULL -> "HTTP POST to a body-discarding server (no Kafka)";
        };
    }

    Load newLoad(LoadSettings settings, PrintStream progress) {
        return switch (this) {
            case RAW -> new PipelinedProducerLoad(settings);
            case RAW_SYNC -> new RawSendAndWaitLoad(settings);
            case PUBLISHER -> new PublisherLoad(settings);
            case HTTP -> new HttpUploadLoad(settings, new IngestUploadServer(settings), progress);
            case HTTP_NULL -> new HttpUploadLoad(settings, new DiscardingUploadServer(settings.httpThreads()), progress);
        };
    }

    /** A raw producer variant: HTTP is compared with the faster of these in each round. */
    boolean isRaw() {
        return this == RAW || this == RAW_SYNC;
    }

    boolean usesKafka() {
        return this != HTTP_NULL;
    }

    boolean needsRegistry() {
        return this == PUBLISHER || this == HTTP;
    }

    /** The named phases in run order (not in the order given); unknown names are refused. */
    static List<Phase> parse(List<String> ids) {
        for (String id : ids) {
            if (Arrays.stream(values()).noneMatch(p -> p.id.equals(id.trim()))) {
                throw new IllegalArgumentException("unknown phase '" + id + "' in --phases; the phases are "
                        + Arrays.stream(values()).map(p -> p.id).collect(Collectors.joining(", ")));
            }
        }
        return Arrays.stream(values()).filter(p -> ids.stream().anyMatch(id -> id.trim().equals(p.id))).toList();
    }
}
