package dev.coilsight.classifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.ImageClassified;
import dev.coilsight.testsupport.RealInfrastructureExtension;
import dev.coilsight.testsupport.TestInfrastructure;
import dev.coilsight.workerruntime.InferenceWorker;
import dev.coilsight.workerruntime.TinyModels;
import dev.coilsight.workerruntime.WorkerFixture;

/**
 * Closing a worker while images flow finishes the batch in flight and commits it: nothing is
 * aborted, every counted result is committed, the group's committed offsets cover exactly the
 * images that have results, and a new instance finishes the rest without a duplicate.
 */
@ExtendWith(RealInfrastructureExtension.class)
class ClassifierShutdownIT {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private static InferenceWorker<ImageCaptured> worker(Map<String, String> topics, Path model, String group, String transactionalId)
            throws IOException {
        return ClassifierWorkers.start(topics, model,
                Map.of("COILSIGHT_GROUP_ID", group, "COILSIGHT_TRANSACTIONAL_ID", transactionalId, "COILSIGHT_MAX_BATCH_SIZE", "2"));
    }

    private static long committedOffsets(String group) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafka().bootstrapServers()))) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values().stream()
                    .mapToLong(OffsetAndMetadata::offset).sum();
        }
    }

    @Test
    void closeFinishesTheBatchInFlightAndCommitsIt() throws Exception {
        Path model = TinyModels.classifier(dir.resolve("cls"), "tiny-cls", "1", 3, 0.5);
        Map<String, String> topics = ClassifierWorkers.topics(2);
        List<Path> images = WorkerFixture.streamImages(30);
        String group = "shutdown-" + UUID.randomUUID();
        String transactionalId = "sd-" + UUID.randomUUID();
        try (KafkaProducer<byte[], byte[]> producer = WorkerFixture.producer()) {
            WorkerFixture.send(producer, WorkerFixture.imageRecords(topics.get("images"), images, 2));
        }

        InferenceWorker<ImageCaptured> first = worker(topics, model, group, transactionalId);
        WorkerFixture.await(WAIT, () -> first.metrics().resultCount() >= 4, "some batches are done");
        first.close();
        long counted = (long) first.metrics().resultCount();
        assertThat(first.metrics().abortedCount()).as("no transaction aborted on shutdown").isZero();
        assertThat(counted).as("stopped before the end of the stream").isLessThan(images.size());

        List<ImageClassified> committed = WorkerFixture.values(
                WorkerFixture.readCommitted(topics.get("classifications"), (int) counted, Duration.ofSeconds(20)), ImageClassified.class);
        assertThat(committed).hasSize((int) counted);
        assertThat(committedOffsets(group)).as("offsets committed with exactly the results").isEqualTo(counted);

        try (InferenceWorker<ImageCaptured> second = worker(topics, model, group, transactionalId)) {
            WorkerFixture.await(WAIT, () -> counted + second.metrics().resultCount() >= images.size(), "a new instance finishes the rest");
        }
        List<ImageClassified> all = WorkerFixture.values(
                WorkerFixture.readCommitted(topics.get("classifications"), images.size(), WAIT), ImageClassified.class);
        assertThat(all).extracting(ImageClassified::getImageId).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(images.stream().map(WorkerFixture::imageId).toList());
    }
}
