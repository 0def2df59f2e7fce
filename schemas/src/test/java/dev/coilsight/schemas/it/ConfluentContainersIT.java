package dev.coilsight.schemas.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Testcontainers;

import dev.coilsight.schemas.Contracts;
import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.SampleRecords;
import dev.coilsight.schemas.Topics;
import dev.coilsight.schemas.cli.SchemasCommand;
import dev.coilsight.schemas.registry.CompatibilityLevel;
import dev.coilsight.schemas.registry.RegistryClientConfig;
import dev.coilsight.schemas.registry.RestSchemaRegistryClient;
import dev.coilsight.schemas.registry.SchemaRegistryException;
import dev.coilsight.testsupport.ContainerInfrastructure;
import picocli.CommandLine;

/**
 * The same contracts against Confluent Schema Registry itself and Apache Kafka in containers.
 * Runs only where Docker is available (skipped here); the Apicurio ITs cover the same behaviour without Docker.
 */
@Testcontainers(disabledWithoutDocker = true)
class ConfluentContainersIT {

    private static ContainerInfrastructure containers;

    @BeforeAll
    static void start() {
        containers = ContainerInfrastructure.start();
    }

    @AfterAll
    static void stop() {
        if (containers != null) {
            containers.close();
        }
    }

    @Test
    void deployCommandAndRoundTripAgainstConfluentSchemaRegistry() throws Exception {
        String url = containers.schemaRegistryUrl();
        assertThat(new CommandLine(new SchemasCommand()).execute("register", "--registry", url)).isZero();
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(RegistryClientConfig.forUrl(url));
        for (Contracts.Contract contract : Contracts.all()) {
            assertThat(client.compatibility(contract.valueSubject())).contains(CompatibilityLevel.BACKWARD);
        }
        assertThatThrownBy(() -> client.schemaById(987_654)).isInstanceOf(SchemaRegistryException.NotFound.class);

        try (Admin admin = Admin.create(java.util.Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, containers.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(Topics.IMAGES, 3, (short) 1))).all().get();
        }
        List<ImageCaptured> sent = new ArrayList<>();
        try (KafkaProducer<String, ImageCaptured> producer = KafkaClients.producer(containers.bootstrapServers(), url, false)) {
            for (int i = 0; i < 20; i++) {
                ImageCaptured image = SampleRecords.image("coil-" + (i % 3), i, new byte[] {1, 2, (byte) i});
                sent.add(image);
                producer.send(new ProducerRecord<>(Topics.IMAGES, image.getCoilId(), image)).get();
            }
        }
        try (KafkaConsumer<String, ImageCaptured> consumer = KafkaClients.consumer(containers.bootstrapServers(), url,
                ImageCaptured.class, "confluent-" + UUID.randomUUID())) {
            List<ConsumerRecord<String, ImageCaptured>> received =
                    KafkaClients.consume(consumer, Topics.IMAGES, sent.size(), Duration.ofSeconds(60));
            assertThat(received.stream().map(ConsumerRecord::value).toList()).containsExactlyInAnyOrderElementsOf(sent);
        }
    }
}
