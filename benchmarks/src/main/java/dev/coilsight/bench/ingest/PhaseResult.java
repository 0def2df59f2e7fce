package dev.coilsight.bench.ingest;

import java.util.List;

import dev.coilsight.bench.Percentiles;

/**
 * What one phase measured inside its window. MB are 10^6 bytes of image payload (ingest's Avro
 * envelope adds about 100 bytes per record).
 *
 * @param round          1.. for counted rounds, 0 and below for warm-up rounds
 * @param images         images acknowledged inside the window
 * @param bytes          their image bytes
 * @param seconds        the window's length
 * @param errors         sends refused or failed during the phase (its warm-up and drain included)
 * @param latenciesMs    send-to-acknowledgement time of each of {@code images}
 * @param published      every image acknowledged in the phase, warm-up and drain included
 * @param recordsInTopic records the phase's topic held afterwards (null for a phase without Kafka)
 */
record PhaseResult(Phase phase, String label, int round, long images, long bytes, double seconds, long errors, List<Double> latenciesMs,
                   long published, Long recordsInTopic) {

    PhaseResult {
        latenciesMs = List.copyOf(latenciesMs);
    }

    double imagesPerSecond() {
        return images / seconds;
    }

    double megabytesPerSecond() {
        return bytes / 1e6 / seconds;
    }

    Percentiles.Summary latency() {
        return Percentiles.summary(latenciesMs);
    }

    /** Every acknowledged image is in the topic once: nothing lost, nothing written twice. True without Kafka. */
    boolean topicMatches() {
        return recordsInTopic == null || recordsInTopic == published;
    }
}
