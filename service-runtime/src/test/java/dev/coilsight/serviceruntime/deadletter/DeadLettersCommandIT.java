package dev.coilsight.serviceruntime.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.coilsight.cli.CommandLines;
import dev.coilsight.embedded.LocalKafka;
import dev.coilsight.testsupport.CommandRun;
import dev.coilsight.testsupport.RealInfrastructureExtension;
import dev.coilsight.testsupport.TestInfrastructure;

/**
 * {@code ./coilsight dead-letters} and {@code dead-letters redrive} on a real broker, over dead letters written as the
 * workers write them (in transactions, one of them aborted), one with its value left out for size.
 */
@ExtendWith(RealInfrastructureExtension.class)
class DeadLettersCommandIT {

    private final LocalKafka kafka = TestInfrastructure.kafka();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String sourceTopic = "redrive-it-images-" + run;
    private final String dlq = "redrive-it-dlq-" + run;
    private final String goneTopic = "redrive-it-deleted-" + run;
    private final List<ConsumerRecord<byte[], byte[]>> sources = new ArrayList<>();

    /**
     * Five source records of two coils; dead letters: 0 and 1 MODEL_ERROR, 2 NOT_AN_IMAGE (classifier), 3 MODEL_ERROR with its
     * value left out (segmenter), 4 MODEL_ERROR with its value left out and then its source deleted; and a MODEL_ERROR of
     * record 0 in an aborted transaction, which nobody may see.
     */
    @BeforeEach
    void deadLettersAsTheWorkersWriteThem() throws Exception {
        kafka.createTopics(2, sourceTopic, dlq);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i : new int[] {4, 0, 1, 2, 3}) { // 4 first: deleting it alone leaves the rest of coil-B's partition
                RecordHeaders headers = new RecordHeaders();
                headers.add(DeadLetter.IMAGE_ID_HEADER, ("image-" + i).getBytes(StandardCharsets.UTF_8));
                producer.send(new ProducerRecord<>(sourceTopic, null, bytes(i < 3 ? "coil-A" : "coil-B"), bytes("value-" + i), headers)).get();
            }
        }
        sources.addAll(readAll(sourceTopic));
        sources.sort((a, b) -> new String(a.value()).compareTo(new String(b.value())));
        DeadLetters classifier = new DeadLetters("classifier", dlq);
        DeadLetters segmenterSmall = new DeadLetters("segmenter", dlq, 100);
        Map<String, Object> transactional = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "worker-" + run);
        try (KafkaProducer<byte[], byte[]> worker = new KafkaProducer<>(transactional, new ByteArraySerializer(), new ByteArraySerializer())) {
            worker.initTransactions();
            worker.beginTransaction();
            worker.send(classifier.of(sources.get(0), DeadLetters.Reason.MODEL_ERROR, new IllegalStateException("aborted"), "m:1"));
            worker.flush();
            worker.abortTransaction();
            worker.beginTransaction();
            worker.send(classifier.of(sources.get(0), DeadLetters.Reason.MODEL_ERROR, new IllegalStateException("NaN in\nthe output"), "m:1"));
            worker.send(classifier.of(sources.get(1), DeadLetters.Reason.MODEL_ERROR, new IllegalStateException("NaN"), "m:1"));
            worker.send(classifier.of(sources.get(2), DeadLetters.Reason.NOT_AN_IMAGE, new IllegalArgumentException("not a PNG"), null));
            worker.send(segmenterSmall.of(sources.get(3), DeadLetters.Reason.MODEL_ERROR, new IllegalStateException("big"), "s:2"));
            worker.send(segmenterSmall.of(sources.get(4), DeadLetters.Reason.MODEL_ERROR, new IllegalStateException("gone"), "s:2"));
            // The shadow classifier gave up on record 1 as well; and a record of a topic deleted since.
            worker.send(new DeadLetters("classifier-shadow", dlq).of(sources.get(1), DeadLetters.Reason.MODEL_ERROR,
                    new IllegalStateException("candidate NaN"), "m:2"));
            worker.send(classifier.of(goneTopic, 0, 7, -1, null, bytes("coil-C"), bytes("value-gone"), DeadLetters.Reason.MODEL_INPUT,
                    new IllegalArgumentException("too wide"), "m:1"));
            worker.commitTransaction();
        }
        ConsumerRecord<byte[], byte[]> deleted = sources.get(4);
        try (Admin admin = kafka.admin()) {
            admin.deleteRecords(Map.of(new TopicPartition(sourceTopic, deleted.partition()), RecordsToDelete.beforeOffset(deleted.offset() + 1)))
                    .all().get();
        }
    }

    @Test
    void theListCountsByStageAndReasonAndShowsWhereEachRecordWasReadWithoutTheAbortedOne() throws Exception {
        CommandRun listed = command(new DeadLettersCommand(), "--json");

        assertThat(listed.exitCode()).as(listed.err()).isZero();
        JsonNode result = new ObjectMapper().readTree(listed.out());
        assertThat(result.get("matching").asInt()).isEqualTo(7);
        assertThat(result.get("counts").toString()).contains("{\"stage\":\"classifier\",\"reason\":\"MODEL_ERROR\",\"count\":2}")
                .contains("{\"stage\":\"classifier-shadow\",\"reason\":\"MODEL_ERROR\",\"count\":1}")
                .contains("\"reason\":\"NOT_AN_IMAGE\",\"count\":1").contains("{\"stage\":\"segmenter\",\"reason\":\"MODEL_ERROR\",\"count\":2}");
        JsonNode first = row(result, "image-0");
        assertThat(first.get("coilId").asText()).isEqualTo("coil-A");
        assertThat(first.get("source").asText()).isEqualTo(sourceTopic + "-" + sources.get(0).partition() + "@" + sources.get(0).offset());
        assertThat(first.get("errorMessage").asText()).isEqualTo("NaN in\nthe output");
        assertThat(first.get("model").asText()).isEqualTo("m:1");
        assertThat(row(result, "image-3").get("valueOmitted").asBoolean()).isTrue();
        assertThat(listed.out()).doesNotContain("aborted");

        CommandRun text = command(new DeadLettersCommand(), "--reason", "NOT_AN_IMAGE,MODEL_ERROR", "--stage", "classifier");
        assertThat(text.out()).contains("3 dead letters match").contains("not a PNG").contains("NaN in?the output").doesNotContain("in\nthe");
    }

    @Test
    void aRedriveSendsTheChosenDeadLettersBackOnceEachAndSaysWhichItCouldNot() throws Exception {
        CommandRun refused = command(new RedriveCommand());
        assertThat(refused.exitCode()).isEqualTo(CommandLines.BAD_INPUT);
        assertThat(refused.err()).contains("--reason");

        CommandRun dry = command(new RedriveCommand(), "--reason", "MODEL_ERROR", "--dry-run");
        assertThat(dry.exitCode()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("would send 4 dead letters: " + sourceTopic + " 4")
                .contains("1 dead letters of shadow workers left out");
        assertThat(readAll(sourceTopic)).hasSize(4); // the originals left after the deletion, nothing new

        CommandRun sent = command(new RedriveCommand(), "--reason", "MODEL_ERROR");
        assertThat(sent.exitCode()).as(sent.out() + sent.err()).isEqualTo(1);
        assertThat(sent.out()).contains("sent 3 dead letters back: " + sourceTopic + " 3").contains("not sent: ")
                .contains(sourceTopic + "-" + sources.get(4).partition() + "@" + sources.get(4).offset() + " is no longer there");
        List<ConsumerRecord<byte[], byte[]>> redriven = readAll(sourceTopic).stream()
                .filter(r -> r.headers().lastHeader(DeadLetters.REDRIVEN_FROM) != null).toList();
        assertThat(redriven).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsExactlyInAnyOrder("value-0", "value-1", "value-3");
        for (ConsumerRecord<byte[], byte[]> record : redriven) {
            ConsumerRecord<byte[], byte[]> original = sources.stream().filter(s -> new String(s.value()).equals(new String(record.value()))).findFirst().orElseThrow();
            assertThat(record.key()).isEqualTo(original.key());
            assertThat(record.partition()).as("partitioned by coil as the original").isEqualTo(original.partition());
            assertThat(DeadLetter.text(record.headers(), DeadLetter.IMAGE_ID_HEADER)).isEqualTo(DeadLetter.text(original.headers(), DeadLetter.IMAGE_ID_HEADER));
            record.headers().forEach(h -> assertThat(h.key()).doesNotStartWith("coilsight.dlq."));
            assertThat(DeadLetter.text(record.headers(), DeadLetters.REDRIVEN_FROM)).startsWith(dlq + "-");
        }

        CommandRun again = command(new RedriveCommand(), "--reason", "MODEL_ERROR");
        assertThat(again.out()).contains("sent 0 dead letters back: none; 3 already redriven left out");
        // The shadow's dead letter of record 1, named: that record went back already, with the live classifier's.
        CommandRun shadow = command(new RedriveCommand(), "--reason", "MODEL_ERROR", "--stage", "classifier-shadow");
        assertThat(shadow.out()).contains("sent 0 dead letters back: none; 1 already redriven left out");
        assertThat(readAll(sourceTopic).stream().filter(r -> r.headers().lastHeader(DeadLetters.REDRIVEN_FROM) != null)).hasSize(3);

        CommandRun gone = command(new RedriveCommand(), "--reason", "MODEL_INPUT");
        assertThat(gone.exitCode()).as(gone.out() + gone.err()).isEqualTo(1);
        assertThat(gone.out()).contains("its source topic " + goneTopic + " no longer exists");
        try (Admin admin = kafka.admin()) {
            assertThat(admin.listTopics().names().get()).as("looking for it did not create it").doesNotContain(goneTopic);
        }

        JsonNode listed = new ObjectMapper().readTree(command(new DeadLettersCommand(), "--json").out());
        assertThat(listed.get("redrivenOfAll").asInt()).isEqualTo(3);
        assertThat(listed.get("matching").asInt()).as("marks are not dead letters").isEqualTo(7);
        assertThat(row(listed, "image-1").get("redrivenAt").isNull()).isFalse();
        assertThat(row(listed, "image-2").get("redrivenAt").isNull()).isTrue();
    }

    private CommandRun command(Object command, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--topic", dlq, "--timeout", "30"));
        return CommandRun.of(CommandLines.create(command), all.toArray(String[]::new));
    }

    private static JsonNode row(JsonNode result, String imageId) {
        for (JsonNode row : result.get("deadLetters")) {
            if (imageId.equals(row.get("imageId").asText())) {
                return row;
            }
        }
        throw new AssertionError("no dead letter of " + imageId + " in " + result);
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        Map<String, Object> configs = new HashMap<>();
        configs.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        configs.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(configs, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
