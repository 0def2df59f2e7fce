package dev.coilsight.classifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.coilsight.schemas.DefectiveImage;
import dev.coilsight.schemas.ImageClassified;
import dev.coilsight.testsupport.RealInfrastructureExtension;
import dev.coilsight.workerruntime.InferenceWorker;
import dev.coilsight.workerruntime.TinyModels;
import dev.coilsight.workerruntime.WorkerFixture;

/**
 * Two classifier instances in one consumer group while images flow: a second instance joins
 * (partitions move to it), then the first leaves (they move back). Read with read_committed,
 * every image has exactly one classification and every defective one exactly one forward.
 */
@ExtendWith(RealInfrastructureExtension.class)
class ClassifierRebalanceIT {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private static InferenceWorker<?> worker(Map<String, String> topics, Path model, String group, String transactionalId)
            throws IOException {
        return ClassifierWorkers.start(topics, model,
                Map.of("COILSIGHT_GROUP_ID", group, "COILSIGHT_TRANSACTIONAL_ID", transactionalId, "COILSIGHT_MAX_BATCH_SIZE", "4"));
    }

    @Test
    void instancesJoiningAndLeavingMidStreamLoseAndDuplicateNothing() throws Exception {
        Path model = TinyModels.classifier(dir.resolve("cls"), "tiny-cls", "1", 5, 0.5);
        Map<String, String> topics = ClassifierWorkers.topics(6);
        List<Path> images = WorkerFixture.streamImages(36);
        List<ProducerRecord<byte[], byte[]>> records = WorkerFixture.imageRecords(topics.get("images"), images, 6);
        String group = "rebalance-" + UUID.randomUUID();

        try (KafkaProducer<byte[], byte[]> producer = WorkerFixture.producer()) {
            InferenceWorker<?> first = worker(topics, model, group, "rb-a-" + UUID.randomUUID());
            InferenceWorker<?> second = null;
            try {
                WorkerFixture.send(producer, records.subList(0, 12));
                WorkerFixture.await(WAIT, () -> first.metrics().resultCount() >= 4, "the first instance classifies some images");

                second = worker(topics, model, group, "rb-b-" + UUID.randomUUID());
                WorkerFixture.send(producer, records.subList(12, 24));
                InferenceWorker<?> joined = second;
                WorkerFixture.await(WAIT, () -> first.metrics().resultCount() + joined.metrics().resultCount() >= 24,
                        "both instances together classify the first two thirds");

                first.close();
                WorkerFixture.send(producer, records.subList(24, 36));
                WorkerFixture.await(WAIT, () -> first.metrics().resultCount() + joined.metrics().resultCount() >= 36,
                        "the remaining instance finishes the stream");
                // The last third arrived after the first instance left: the second took every partition over.
                assertThat(joined.metrics().resultCount()).isGreaterThanOrEqualTo(12);
            } finally {
                first.close();
                if (second != null) {
                    second.close();
                }
            }
        }

        List<ImageClassified> results = WorkerFixture.values(WorkerFixture.readCommitted(topics.get("classifications"), 36, WAIT),
                ImageClassified.class);
        List<String> ids = results.stream().map(ImageClassified::getImageId).toList();
        assertThat(ids).as("one classification per image, none twice").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(images.stream().map(WorkerFixture::imageId).toList());

        List<String> defective = results.stream().filter(ImageClassified::getDefective).map(ImageClassified::getImageId).collect(Collectors.toList());
        List<DefectiveImage> forwarded = WorkerFixture.values(WorkerFixture.readCommitted(topics.get("defective"), defective.size(), WAIT),
                DefectiveImage.class);
        assertThat(forwarded).extracting(d -> d.getImage().getImageId()).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(defective);
    }
}
