package dev.coilsight.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one in-process broker (demo, bench, tests): starts in-process, keeps image-sized records, restarts on its log, refuses a taken
 * port by name, and has what the workers rely on: transactions that read_committed consumers see only when committed.
 */
class LocalKafkaIT {

    @TempDir
    Path logDir;

    @Test
    void carriesImageSizedRecordsAndKeepsThemAcrossARestart() throws Exception {
        byte[] image = new byte[3 * 1024 * 1024];
        image[12345] = 42;
        int port;
        try (LocalKafka kafka = LocalKafka.start(logDir, 0)) {
            port = kafka.port();
            kafka.createTopics(2, Map.of("max.message.bytes", String.valueOf(LocalKafka.MAX_MESSAGE_BYTES)), "images");
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, LocalKafka.MAX_MESSAGE_BYTES);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>("images", "coil".getBytes(), image)).get();
            }
        }
        try (LocalKafka kafka = LocalKafka.start(logDir, port)) {
            Properties c = new Properties();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            c.put(ConsumerConfig.GROUP_ID_CONFIG, "reader");
            c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(List.of("images"));
                byte[] read = null;
                long deadline = System.currentTimeMillis() + 30_000;
                while (read == null && System.currentTimeMillis() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        read = r.value();
                    }
                }
                assertThat(read).isEqualTo(image);
            }
        }
    }

    @Test
    void aTakenPortIsRefusedByName() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            assertThatThrownBy(() -> LocalKafka.start(logDir, taken.getLocalPort()))
                    .isInstanceOf(Ports.PortTakenException.class)
                    .hasMessageContaining("port " + taken.getLocalPort()).hasMessageContaining("Kafka broker");
        }
    }

    @Test
    void abortedTransactionsAreInvisibleToReadCommittedConsumers() {
        try (LocalKafka kafka = LocalKafka.start(logDir, 0)) {
            kafka.createTopics(3, "tx-topic");
            kafka.createTopics(3, "tx-topic"); // creating again is harmless
            Properties producerConfig = kafka.clientProperties();
            producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-test");
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                for (int i = 0; i < 5; i++) {
                    producer.send(new ProducerRecord<>("tx-topic", ("coil-" + i).getBytes(), ("committed-" + i).getBytes()));
                }
                producer.commitTransaction();
                producer.beginTransaction();
                for (int i = 0; i < 5; i++) {
                    producer.send(new ProducerRecord<>("tx-topic", ("coil-" + i).getBytes(), ("aborted-" + i).getBytes()));
                }
                producer.flush();
                producer.abortTransaction();
            }
            Properties consumerConfig = kafka.clientProperties();
            consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "tx-reader");
            consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            List<String> values = new java.util.ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(List.of("tx-topic"));
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (System.nanoTime() < deadline && values.size() < 5) {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(new String(r.value())));
                }
                // Give aborted records a chance to show up if they wrongly would.
                consumer.poll(Duration.ofSeconds(1)).forEach(r -> values.add(new String(r.value())));
            }
            assertThat(values).containsExactlyInAnyOrder("committed-0", "committed-1", "committed-2", "committed-3", "committed-4");
        }
    }
}
