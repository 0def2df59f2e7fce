package dev.coilsight.classifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.ImageClassified;
import dev.coilsight.testsupport.RealInfrastructureExtension;
import dev.coilsight.workerruntime.TinyModels;
import dev.coilsight.workerruntime.WorkerFixture;

/**
 * One image that kills the classifier's process whenever the model is about to run on it (as a native
 * crash does): the process is restarted as an orchestrator would, the image ends in the dead-letter
 * topic as CRASHED after two deaths, and every other image is classified exactly once (read_committed).
 */
@ExtendWith(RealInfrastructureExtension.class)
class ClassifierCrashLoopIT {

    private static final int IMAGES = 24;
    private static final int MAX_STARTS = 6;

    @TempDir
    Path dir;

    @Test
    void aRecordThatKillsTheWorkerTwiceIsDeadLetteredAndEveryOtherImageIsClassifiedOnce() throws Exception {
        Path model = TinyModels.classifier(dir.resolve("cls"), "tiny-cls", "1", 11, 0.5);
        Map<String, String> topics = ClassifierWorkers.topics(2);
        List<Path> images = WorkerFixture.streamImages(IMAGES);
        String victim = WorkerFixture.imageId(images.get(IMAGES / 2));
        Map<String, String> env = ClassifierWorkers.processVariables(topics, model, Map.of("COILSIGHT_MAX_BATCH_SIZE", "4",
                "COILSIGHT_WORKER_THREADS", "2", "COILSIGHT_STATE_DIR", dir.resolve("state").toString(), "HALT_ON_IMAGE_ID", victim));
        try (KafkaProducer<byte[], byte[]> producer = WorkerFixture.producer()) {
            WorkerFixture.send(producer, WorkerFixture.imageRecords(topics.get("images"), images, 3));
        }

        List<ConsumerRecord<byte[], byte[]>> classified = new ArrayList<>();
        List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
        List<Integer> exits = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> results = WorkerFixture.committedReader(topics.get("classifications"));
             KafkaConsumer<byte[], byte[]> dlq = WorkerFixture.committedReader(topics.get("dlq"))) {
            Process worker = null;
            try {
                for (int start = 1; classified.size() + dead.size() < IMAGES; start++) {
                    assertThat(start).as("starts needed; exits so far " + exits).isLessThanOrEqualTo(MAX_STARTS);
                    worker = start(env, "start-" + start);
                    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                    while (worker.isAlive() && classified.size() + dead.size() < IMAGES && System.nanoTime() < deadline) {
                        results.poll(Duration.ofMillis(100)).forEach(classified::add);
                        dlq.poll(Duration.ofMillis(100)).forEach(dead::add);
                    }
                    if (!worker.isAlive()) {
                        exits.add(worker.exitValue());
                    }
                }
                // A duplicate would show up now.
                long quiet = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                while (System.nanoTime() < quiet) {
                    results.poll(Duration.ofMillis(200)).forEach(classified::add);
                    dlq.poll(Duration.ofMillis(200)).forEach(dead::add);
                }
            } finally {
                if (worker != null) {
                    worker.destroy();
                    worker.waitFor(60, TimeUnit.SECONDS);
                }
            }
        }
        // Two deaths on the image, then the dead letter instead of a third.
        assertThat(exits).containsExactly(HaltingClassifierService.HALT_STATUS, HaltingClassifierService.HALT_STATUS);
        assertThat(dead).hasSize(1);
        assertThat(WorkerFixture.header(dead.get(0), "coilsight.dlq.reason")).isEqualTo("CRASHED");
        assertThat(WorkerFixture.header(dead.get(0), "coilsight.dlq.stage")).isEqualTo("classifier");
        assertThat(WorkerFixture.values(List.of(dead.get(0)), ImageCaptured.class).get(0).getImageId()).isEqualTo(victim);
        assertThat(WorkerFixture.values(classified, ImageClassified.class)).extracting(ImageClassified::getImageId)
                .containsExactlyInAnyOrderElementsOf(images.stream().map(WorkerFixture::imageId).filter(id -> !id.equals(victim)).toList());
    }

    @Test
    void aModelThatKillsTheWorkerOnEveryInputDeadLettersNoRecordAndAWorkingModelThenClassifiesEveryImageOnce() throws Exception {
        Path model = TinyModels.classifier(dir.resolve("cls"), "tiny-cls", "1", 11, 0.5);
        Map<String, String> topics = ClassifierWorkers.topics(1);
        List<Path> images = WorkerFixture.streamImages(6);
        Map<String, String> env = new java.util.HashMap<>(ClassifierWorkers.processVariables(topics, model, Map.of("COILSIGHT_MAX_BATCH_SIZE",
                "3", "COILSIGHT_WORKER_THREADS", "1", "COILSIGHT_STATE_DIR", dir.resolve("state").toString())));
        try (KafkaProducer<byte[], byte[]> producer = WorkerFixture.producer()) {
            WorkerFixture.send(producer, WorkerFixture.imageRecords(topics.get("images"), images, 1));
        }

        // Each start dies in its blank warm-up, before the journal names any record: no record has a death.
        Map<String, String> broken = new java.util.HashMap<>(env);
        broken.put("HALT_ON_EVERY_INPUT", "true");
        for (int start = 1; start <= 4; start++) {
            Process worker = start(broken, "broken-" + start);
            assertThat(worker.waitFor(120, TimeUnit.SECONDS)).as("start " + start + " dies").isTrue();
            assertThat(worker.exitValue()).as("start " + start).isEqualTo(HaltingClassifierService.HALT_STATUS);
        }

        Outcome outcome = runUntilClassified(env, "working", topics, images.size());
        assertEveryImageClassifiedAndNoneDeadLettered(outcome, images, "no record blamed for the model's deaths");
    }

    @Test
    void aRecordThatLeavesTheDeviceFailingEveryInputIsDeadLetteredAfterTwoRestartsAndTheRestGoOn() throws Exception {
        Path model = TinyModels.classifier(dir.resolve("cls"), "tiny-cls", "1", 11, 0.5);
        Map<String, String> topics = ClassifierWorkers.topics(1);
        List<Path> images = WorkerFixture.streamImages(8);
        String breaker = WorkerFixture.imageId(images.get(3));
        Map<String, String> env = ClassifierWorkers.processVariables(topics, model, Map.of("COILSIGHT_MAX_BATCH_SIZE", "4",
                "COILSIGHT_WORKER_THREADS", "1", "COILSIGHT_STATE_DIR", dir.resolve("state").toString(), "BREAK_ON_IMAGE_ID", breaker));
        try (KafkaProducer<byte[], byte[]> producer = WorkerFixture.producer()) {
            WorkerFixture.send(producer, WorkerFixture.imageRecords(topics.get("images"), images, 1));
        }

        // The worker does not die: its batches wait for the model, and its /health turns 503, on which an orchestrator
        // restarts it. Here a worker that makes no progress for 30 s is stopped (SIGTERM) and started again.
        List<ConsumerRecord<byte[], byte[]>> classified = new ArrayList<>();
        List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
        int starts = 0;
        try (KafkaConsumer<byte[], byte[]> results = WorkerFixture.committedReader(topics.get("classifications"));
             KafkaConsumer<byte[], byte[]> dlq = WorkerFixture.committedReader(topics.get("dlq"))) {
            while (classified.size() + dead.size() < images.size()) {
                assertThat(++starts).as("starts needed").isLessThanOrEqualTo(5);
                Process worker = start(env, "stalling-" + starts);
                try {
                    long lastProgress = System.nanoTime();
                    while (classified.size() + dead.size() < images.size()
                            && System.nanoTime() - lastProgress < Duration.ofSeconds(30).toNanos()) {
                        int before = classified.size() + dead.size();
                        results.poll(Duration.ofMillis(100)).forEach(classified::add);
                        dlq.poll(Duration.ofMillis(100)).forEach(dead::add);
                        if (classified.size() + dead.size() > before) {
                            lastProgress = System.nanoTime();
                        }
                    }
                } finally {
                    worker.destroy();
                    assertThat(worker.waitFor(60, TimeUnit.SECONDS)).as("the worker stops on SIGTERM").isTrue();
                }
            }
            long quiet = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < quiet) {
                results.poll(Duration.ofMillis(200)).forEach(classified::add);
                dlq.poll(Duration.ofMillis(200)).forEach(dead::add);
            }
        }
        assertThat(dead).hasSize(1);
        assertThat(WorkerFixture.header(dead.get(0), "coilsight.dlq.reason")).isEqualTo("CRASHED");
        assertThat(WorkerFixture.values(List.of(dead.get(0)), ImageCaptured.class).get(0).getImageId()).isEqualTo(breaker);
        assertThat(WorkerFixture.values(classified, ImageClassified.class)).extracting(ImageClassified::getImageId)
                .containsExactlyInAnyOrderElementsOf(images.stream().map(WorkerFixture::imageId).filter(id -> !id.equals(breaker)).toList());
    }

    @Test
    void aDeviceThatBreaksByItselfAndStaysBrokenAcrossRestartsDeadLettersNoRecord() throws Exception {
        Path model = TinyModels.classifier(dir.resolve("cls"), "tiny-cls", "1", 11, 0.5);
        Map<String, String> topics = ClassifierWorkers.topics(1);
        List<Path> images = WorkerFixture.streamImages(6);
        Map<String, String> env = ClassifierWorkers.processVariables(topics, model, Map.of("COILSIGHT_MAX_BATCH_SIZE", "3",
                "COILSIGHT_WORKER_THREADS", "1", "COILSIGHT_STATE_DIR", dir.resolve("state").toString()));
        try (KafkaProducer<byte[], byte[]> producer = WorkerFixture.producer()) {
            WorkerFixture.send(producer, WorkerFixture.imageRecords(topics.get("images"), images, 1));
        }
        // Start 1: the warm-up works, then the device breaks under the first batch, which counts a death each at the
        // restart (it cannot be told from a record that broke it). Start 2: the warm-up works, and the device breaks on
        // the next pass: the blank input run before the suspect record, so the record is not journalled a second time.
        Map<String, String> breaking = new java.util.HashMap<>(env);
        breaking.put("BREAK_AFTER_PASSES", "1");
        for (int start = 1; start <= 2; start++) {
            Process worker = start(breaking, "breaking-" + start);
            try {
                Thread.sleep(Duration.ofSeconds(25).toMillis());
            } finally {
                worker.destroy();
                assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
        }

        Outcome outcome = runUntilClassified(env, "repaired", topics, images.size());
        assertEveryImageClassifiedAndNoneDeadLettered(outcome, images, "no record blamed for the device's own failure");
    }

    /** What a worker's committed output topics held. */
    private static void assertEveryImageClassifiedAndNoneDeadLettered(Outcome outcome, List<Path> images, String why) {
        assertThat(outcome.dead()).as(why).isEmpty();
        assertThat(WorkerFixture.values(outcome.classified(), ImageClassified.class)).extracting(ImageClassified::getImageId)
                .containsExactlyInAnyOrderElementsOf(images.stream().map(WorkerFixture::imageId).toList());
    }

    private record Outcome(List<ConsumerRecord<byte[], byte[]>> classified, List<ConsumerRecord<byte[], byte[]>> dead) {
    }

    /** Runs a worker until it has classified {@code images} (2 minutes at most), then reads on for a quiet 2 s. */
    private Outcome runUntilClassified(Map<String, String> env, String name, Map<String, String> topics, int images) throws Exception {
        Outcome outcome = new Outcome(new ArrayList<>(), new ArrayList<>());
        try (KafkaConsumer<byte[], byte[]> results = WorkerFixture.committedReader(topics.get("classifications"));
             KafkaConsumer<byte[], byte[]> dlq = WorkerFixture.committedReader(topics.get("dlq"))) {
            Process worker = start(env, name);
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (outcome.classified().size() < images && System.nanoTime() < deadline) {
                    results.poll(Duration.ofMillis(100)).forEach(outcome.classified()::add);
                    dlq.poll(Duration.ofMillis(100)).forEach(outcome.dead()::add);
                }
                long quiet = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                while (System.nanoTime() < quiet) {
                    results.poll(Duration.ofMillis(200)).forEach(outcome.classified()::add);
                    dlq.poll(Duration.ofMillis(200)).forEach(outcome.dead()::add);
                }
            } finally {
                worker.destroy();
                worker.waitFor(60, TimeUnit.SECONDS);
            }
        }
        return outcome;
    }

    private Process start(Map<String, String> env, String name) throws Exception {
        return WorkerFixture.startJvm(HaltingClassifierService.class, env, dir.resolve(name + ".log"), "512m");
    }
}
