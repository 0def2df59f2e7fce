package dev.coilsight.bench.ingest;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import dev.coilsight.embedded.TopicCreator;

/**
 * Runs one phase: a fresh topic (so no phase appends to another's log), the load started, a warm-up,
 * the measured window, the load stopped and drained, the topic's records counted against the
 * acknowledgements, the topic deleted (a phase writes gigabytes). One progress line per phase.
 */
final class PhaseRunner implements AutoCloseable {

    /**
     * Each partition keeps only its last 64 MiB, in segments of 16 MiB, dropped within a second: a phase writes gigabytes,
     * and a log that grows through them measures how fast the kernel finds fresh pages for the page cache (on a VM that
     * hands freed memory back to its host, several times slower than reusing the pages just freed), not ingest.
     */
    static final Map<String, String> TOPIC_SETTINGS = Map.of("segment.bytes", String.valueOf(16 << 20),
            "retention.bytes", String.valueOf(64 << 20));
    /** The in-process broker's retention runs every second, from the start, so that {@link #TOPIC_SETTINGS} holds. */
    static final Map<String, String> BROKER_SETTINGS = Map.of("log.retention.check.interval.ms", "1000",
            "log.initial.task.delay.ms", "1000");

    private final LoadSettings settings;
    private final int partitions;
    private final int warmupSeconds;
    private final int seconds;
    private final PrintStream progress;
    private final Admin admin;

    PhaseRunner(LoadSettings settings, int partitions, int warmupSeconds, int seconds, PrintStream progress) {
        this.settings = settings;
        this.partitions = partitions;
        this.warmupSeconds = warmupSeconds;
        this.seconds = seconds;
        this.progress = progress;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()));
    }

    /** {@code roundName} is for the progress line, e.g. "round 1/2" or "warm-up round 1/1". */
    PhaseResult run(Phase phase, int round, String roundName) throws Exception {
        String topic = "bench-ingest-" + phase.id + "-" + UUID.randomUUID().toString().substring(0, 8);
        if (phase.usesKafka()) {
            // Returns once every partition's leader answers: an idempotent producer's first send must not meet that gap.
            TopicCreator.create(admin, partitions, TOPIC_SETTINGS, topic);
        }
        Meter meter = new Meter();
        try (Load load = phase.newLoad(settings, progress)) {
            load.start(topic, meter);
            Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds));
            meter.startWindow();
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
            meter.endWindow();
            meter.stop();
        }
        Long recordsInTopic = null;
        if (phase.usesKafka()) {
            recordsInTopic = recordsIn(topic);
            admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        }
        PhaseResult result = new PhaseResult(phase, phase.label(settings), round, meter.images(), meter.bytes(), meter.windowSeconds(),
                meter.errors(), meter.latenciesMs(), meter.acknowledged(), recordsInTopic);
        progress.println(progressLine(roundName, result));
        return result;
    }

    /** Sum of the end offsets: with an idempotent, non-transactional producer, one offset per record. */
    private long recordsIn(String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
        return ends.values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
    }

    private static String progressLine(String roundName, PhaseResult r) {
        String line = String.format(Locale.ROOT, "ingest bench: %s  %-48s %7.1f images/s %6.1f MB/s  p50 %.1f ms", roundName, r.label(),
                r.imagesPerSecond(), r.megabytesPerSecond(), r.latency().p50());
        if (r.errors() > 0) {
            line += ", " + r.errors() + " errors";
        }
        if (!r.topicMatches()) {
            line += String.format(Locale.ROOT, "  (topic holds %d records for %d acknowledged)", r.recordsInTopic(), r.published());
        }
        return line;
    }

    @Override
    public void close() {
        admin.close();
    }
}
