package dev.coilsight.classifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.coilsight.schemas.DefectiveImage;
import dev.coilsight.schemas.ImageClassified;
import dev.coilsight.testsupport.RealInfrastructureExtension;
import dev.coilsight.workerruntime.TinyModels;
import dev.coilsight.workerruntime.WorkerFixture;

/**
 * The classifier as its own process, killed with SIGKILL in the middle of the stream and started
 * again: every image has exactly one committed classification, and every defective one exactly one
 * forwarded image (read_committed, by id).
 */
@ExtendWith(RealInfrastructureExtension.class)
class ClassifierCrashIT {

    private static final int IMAGES = 60;

    @TempDir
    Path dir;

    @Test
    void aWorkerKilledMidStreamAndRestartedLosesAndDuplicatesNothing() throws Exception {
        Path model = TinyModels.classifier(dir.resolve("cls"), "tiny-cls", "1", 11, 0.5);
        Map<String, String> topics = ClassifierWorkers.topics(3);
        Map<String, String> env = ClassifierWorkers.processVariables(topics, model,
                Map.of("COILSIGHT_MAX_BATCH_SIZE", "2", "COILSIGHT_WORKER_THREADS", "2"));

        List<Path> images = WorkerFixture.streamImages(IMAGES);
        assertThat(images).hasSize(IMAGES);
        try (KafkaProducer<byte[], byte[]> producer = WorkerFixture.producer()) {
            WorkerFixture.send(producer, WorkerFixture.imageRecords(topics.get("images"), images, 5));
        }

        List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> reader = WorkerFixture.committedReader(topics.get("classifications"))) {
            Process first = start(env, "first");
            try {
                WorkerFixture.await(Duration.ofSeconds(120), () -> {
                    reader.poll(Duration.ofMillis(100)).forEach(seen::add);
                    return seen.size() >= 6;
                }, "the first worker has committed some results");
            } finally {
                first.destroyForcibly(); // SIGKILL: no shutdown hook, a transaction may be open
                assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(first.exitValue()).isEqualTo(137);
            reader.poll(Duration.ofMillis(500)).forEach(seen::add);
            assertThat(seen.size()).as("killed mid-stream").isLessThan(IMAGES);

            Process second = start(env, "second");
            try {
                WorkerFixture.await(Duration.ofSeconds(180), () -> {
                    reader.poll(Duration.ofMillis(100)).forEach(seen::add);
                    return seen.size() >= IMAGES;
                }, "all images are classified after the restart");
                // Anything more (a duplicate) would show up now.
                long quiet = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                while (System.nanoTime() < quiet) {
                    reader.poll(Duration.ofMillis(200)).forEach(seen::add);
                }
            } finally {
                second.destroy();
                second.waitFor(60, TimeUnit.SECONDS);
            }
        }
        List<ImageClassified> results = WorkerFixture.values(seen, ImageClassified.class);
        assertThat(results).extracting(ImageClassified::getImageId)
                .containsExactlyInAnyOrderElementsOf(images.stream().map(WorkerFixture::imageId).toList());
        Set<String> defective = new HashSet<>();
        results.stream().filter(ImageClassified::getDefective).forEach(r -> defective.add(r.getImageId()));
        List<DefectiveImage> forwarded = WorkerFixture.values(
                WorkerFixture.readCommitted(topics.get("defective"), defective.size(), Duration.ofSeconds(30)), DefectiveImage.class);
        assertThat(forwarded).extracting(d -> d.getImage().getImageId()).containsExactlyInAnyOrderElementsOf(defective);
    }

    private Process start(Map<String, String> env, String name) throws Exception {
        return WorkerFixture.startJvm(ClassifierService.class, env, dir.resolve(name + ".log"), "768m");
    }
}
