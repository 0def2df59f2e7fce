package dev.coilsight.schemas.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.coilsight.embedded.LocalKafka;
import dev.coilsight.schemas.CoilDefectStats;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.DefectiveImage;
import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.ImageClassified;
import dev.coilsight.schemas.SampleRecords;
import dev.coilsight.schemas.Topics;
import dev.coilsight.schemas.cli.SchemasCommand;
import dev.coilsight.testsupport.RealInfrastructureExtension;
import dev.coilsight.testsupport.TestInfrastructure;
import picocli.CommandLine;

/**
 * Every record type through the real KRaft broker and the real Apicurio registry, as production runs
 * it: schemas registered by the deploy command, producers with auto-register off, consumers resolving
 * writer schemas by id.
 */
@ExtendWith(RealInfrastructureExtension.class)
class RecordRoundTripIT {

    private static final int PER_TOPIC = 30;
    private static String bootstrap;
    private static String registryUrl;

    @BeforeAll
    static void deploy() {
        LocalKafka kafka = TestInfrastructure.kafka();
        bootstrap = kafka.bootstrapServers();
        registryUrl = TestInfrastructure.registry().ccompatUrl();
        kafka.createTopics(3, Topics.IMAGES, Topics.CLASSIFICATIONS, Topics.DEFECTIVE_IMAGES, Topics.DEFECTS, Topics.COIL_STATS);
        assertThat(new CommandLine(new SchemasCommand()).execute("register", "--registry", registryUrl)).isZero();
    }

    private static byte[] imageBytes(Random random) {
        byte[] bytes = new byte[50_000 + random.nextInt(250_000)];
        random.nextBytes(bytes);
        return bytes;
    }

    private static <T extends SpecificRecord> void roundTrip(String topic, Class<T> type, Function<Integer, T> make,
                                                             Function<T, String> key) throws Exception {
        List<T> sent = new ArrayList<>();
        try (KafkaProducer<String, T> producer = KafkaClients.producer(bootstrap, registryUrl, false)) {
            for (int i = 0; i < PER_TOPIC; i++) {
                T record = make.apply(i);
                sent.add(record);
                producer.send(new ProducerRecord<>(topic, key.apply(record), record)).get();
            }
        }
        try (KafkaConsumer<String, T> consumer = KafkaClients.consumer(bootstrap, registryUrl, type,
                "it-" + UUID.randomUUID())) {
            List<ConsumerRecord<String, T>> received = KafkaClients.consume(consumer, topic, PER_TOPIC, Duration.ofSeconds(30));

            assertThat(received).hasSize(PER_TOPIC);
            assertThat(received).allSatisfy(r -> assertThat(r.key()).isEqualTo(key.apply(r.value())));
            assertThat(received.stream().map(ConsumerRecord::value).toList()).containsExactlyInAnyOrderElementsOf(sent);
            // Keyed by coil: each coil's records keep their order on one partition.
            for (String coil : received.stream().map(ConsumerRecord::key).distinct().toList()) {
                List<ConsumerRecord<String, T>> ofCoil = received.stream().filter(r -> r.key().equals(coil)).toList();
                assertThat(ofCoil.stream().map(ConsumerRecord::partition).distinct()).hasSize(1);
                assertThat(ofCoil.stream().map(ConsumerRecord::offset).toList())
                        .isSortedAccordingTo(Comparator.naturalOrder());
                assertThat(ofCoil.stream().map(ConsumerRecord::value).toList())
                        .containsExactlyElementsOf(sent.stream().filter(r -> key.apply(r).equals(coil)).toList());
            }
        }
    }

    @Test
    void imageCaptured() throws Exception {
        Random random = new Random(1);
        roundTrip(Topics.IMAGES, ImageCaptured.class,
                i -> SampleRecords.image("coil-" + (i % 4), i, imageBytes(random)), ImageCaptured::getCoilId);
    }

    @Test
    void imageClassified() throws Exception {
        roundTrip(Topics.CLASSIFICATIONS, ImageClassified.class,
                i -> SampleRecords.classification(SampleRecords.image("coil-" + (i % 4), i, new byte[0]), i / 30f),
                ImageClassified::getCoilId);
    }

    @Test
    void defectiveImage() throws Exception {
        Random random = new Random(2);
        roundTrip(Topics.DEFECTIVE_IMAGES, DefectiveImage.class,
                i -> SampleRecords.defective(SampleRecords.image("coil-" + (i % 3), i, imageBytes(random))),
                d -> d.getImage().getCoilId());
    }

    @Test
    void defectSegmentation() throws Exception {
        roundTrip(Topics.DEFECTS, DefectSegmentation.class,
                i -> SampleRecords.segmentation(SampleRecords.image("coil-" + (i % 5), i, new byte[0])),
                DefectSegmentation::getCoilId);
    }

    @Test
    void coilDefectStats() throws Exception {
        roundTrip(Topics.COIL_STATS, CoilDefectStats.class, i -> SampleRecords.coilStats("coil-" + i),
                CoilDefectStats::getCoilId);
    }
}
