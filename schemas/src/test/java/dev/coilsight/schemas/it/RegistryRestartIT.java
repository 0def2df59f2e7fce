package dev.coilsight.schemas.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.coilsight.embedded.LocalKafka;
import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.SampleRecords;
import dev.coilsight.embedded.LocalRegistry;
import dev.coilsight.testsupport.RealInfrastructureExtension;
import dev.coilsight.testsupport.TestInfrastructure;

/**
 * The registry restarts while images flow. Producers and running consumers keep going on cached
 * schemas; a consumer that starts while the registry is down waits (retry with backoff) instead of
 * failing; a consumer started afterwards resolves every schema id again. Nobody loses or garbles a record.
 */
@ExtendWith(RealInfrastructureExtension.class)
class RegistryRestartIT {

    private static final String TOPIC = "it-restart.steel.images";
    private static final int RECORDS = 240;

    @Test
    void aRegistryRestartMidRunLosesAndCorruptsNothing() throws Exception {
        LocalKafka kafka = TestInfrastructure.kafka();
        LocalRegistry registry = TestInfrastructure.registry();
        kafka.createTopics(3, TOPIC);
        String bootstrap = kafka.bootstrapServers();
        String url = registry.ccompatUrl();

        List<ImageCaptured> sent = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            byte[] bytes = new byte[2_000 + i];
            bytes[i % bytes.length] = (byte) i;
            sent.add(SampleRecords.image("coil-" + (i % 6), i, bytes));
        }

        // A consumer that is running before, during and after the restart.
        CompletableFuture<List<ConsumerRecord<String, ImageCaptured>>> steady = consumeAsync(bootstrap, url);

        CountDownLatch halfway = new CountDownLatch(1);
        CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> {
            try (KafkaProducer<String, ImageCaptured> producer = KafkaClients.producer(bootstrap, url, true)) {
                List<Future<RecordMetadata>> acks = new ArrayList<>();
                for (int i = 0; i < RECORDS; i++) {
                    ImageCaptured image = sent.get(i);
                    acks.add(producer.send(new ProducerRecord<>(TOPIC, image.getCoilId(), image)));
                    if (i == RECORDS / 2) {
                        halfway.countDown();
                    }
                    Thread.sleep(15);
                }
                for (Future<RecordMetadata> ack : acks) {
                    ack.get(30, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                throw new IllegalStateException("producer failed: " + e, e);
            }
        });

        assertThat(halfway.await(30, TimeUnit.SECONDS)).isTrue();
        registry.stop();
        CompletableFuture<List<ConsumerRecord<String, ImageCaptured>>> startedDuringOutage;
        try {
            // Starts with an empty cache while the registry is down: must wait for it, not fail.
            startedDuringOutage = consumeAsync(bootstrap, url);
            Thread.sleep(1_500);
            assertThat(startedDuringOutage).as("cannot finish without the registry").isNotDone();
        } finally {
            registry.restart(); // the registry is shared by the tests of this JVM: never leave it down
        }

        producing.get(60, TimeUnit.SECONDS);
        List<ConsumerRecord<String, ImageCaptured>> afterwards = consumeAsync(bootstrap, url).get(60, TimeUnit.SECONDS);

        for (var received : List.of(steady.get(60, TimeUnit.SECONDS), startedDuringOutage.get(60, TimeUnit.SECONDS), afterwards)) {
            assertThat(received).hasSize(RECORDS);
            assertThat(received.stream().map(ConsumerRecord::value).toList()).containsExactlyInAnyOrderElementsOf(sent);
            for (int coil = 0; coil < 6; coil++) {
                String key = "coil-" + coil;
                assertThat(received.stream().filter(r -> r.key().equals(key)).map(r -> r.value().getSequence()).toList())
                        .as("order of %s", key).isSorted();
            }
        }
    }

    private static CompletableFuture<List<ConsumerRecord<String, ImageCaptured>>> consumeAsync(String bootstrap, String url) {
        return CompletableFuture.supplyAsync(() -> {
            try (KafkaConsumer<String, ImageCaptured> consumer = KafkaClients.consumer(bootstrap, url,
                    ImageCaptured.class, "restart-" + UUID.randomUUID())) {
                return KafkaClients.consume(consumer, TOPIC, RECORDS, Duration.ofSeconds(90));
            }
        }, runnable -> new Thread(runnable, "restart-consumer").start());
    }
}
