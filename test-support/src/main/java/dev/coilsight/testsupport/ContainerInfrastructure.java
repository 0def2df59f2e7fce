package dev.coilsight.testsupport;

import java.time.Duration;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The Testcontainers variant for machines with Docker: Apache Kafka (KRaft) and Confluent Schema
 * Registry in containers, so the same tests also run against Confluent's own registry. Use from
 * tests annotated {@code @Testcontainers(disabledWithoutDocker = true)}; without Docker they skip.
 */
public final class ContainerInfrastructure implements AutoCloseable {

    public static final DockerImageName KAFKA_IMAGE = DockerImageName.parse("apache/kafka:4.1.1");
    public static final DockerImageName SCHEMA_REGISTRY_IMAGE =
            DockerImageName.parse("confluentinc/cp-schema-registry:7.9.0");

    private final Network network = Network.newNetwork();
    private final KafkaContainer kafka;
    private final GenericContainer<?> schemaRegistry;

    private ContainerInfrastructure() {
        kafka = new KafkaContainer(KAFKA_IMAGE)
                .withNetwork(network)
                .withNetworkAliases("kafka")
                .withListener("kafka:19092");
        schemaRegistry = new GenericContainer<>(SCHEMA_REGISTRY_IMAGE)
                .withNetwork(network)
                .withExposedPorts(8081)
                .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
                .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
                .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
                .waitingFor(Wait.forHttp("/subjects").forStatusCode(200).withStartupTimeout(Duration.ofMinutes(2)))
                .dependsOn(kafka);
    }

    public static ContainerInfrastructure start() {
        ContainerInfrastructure infrastructure = new ContainerInfrastructure();
        infrastructure.kafka.start();
        infrastructure.schemaRegistry.start();
        return infrastructure;
    }

    public String bootstrapServers() {
        return kafka.getBootstrapServers();
    }

    /** URL of Confluent Schema Registry's REST API. */
    public String schemaRegistryUrl() {
        return "http://" + schemaRegistry.getHost() + ":" + schemaRegistry.getMappedPort(8081);
    }

    @Override
    public void close() {
        schemaRegistry.stop();
        kafka.stop();
        network.close();
    }
}
