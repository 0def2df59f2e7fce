package dev.coilsight.analytics.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.coilsight.analytics.AnalyticsConfig;
import dev.coilsight.analytics.AnalyticsService;
import dev.coilsight.serviceruntime.config.Env;
import dev.coilsight.schemas.registry.RegistryClientConfig;
import dev.coilsight.schemas.serde.SpecificAvroSerializer;
import dev.coilsight.testsupport.Await;
import dev.coilsight.testsupport.TestInfrastructure;

/** Starting coil-analytics instances on the shared real broker and registry, and talking to them. */
final class AnalyticsFixture {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String VIEWER_TOKEN = "viewer-token-0123456789";
    static final String INTERNAL_TOKEN = "internal-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private AnalyticsFixture() {
    }

    /** Topic names unique to one test, so tests sharing the broker do not see each other's records. */
    record TestTopics(String prefix) {
        String classifications() {
            return prefix + ".classifications";
        }

        String defects() {
            return prefix + ".defects";
        }

        String defective() {
            return prefix + ".images.defective";
        }

        String coilStats() {
            return prefix + ".coil-stats";
        }

        String dlq() {
            return prefix + ".dlq";
        }

        String coilEnds() {
            return prefix + ".coil-ends";
        }

        String coilGrades() {
            return prefix + ".coil-grades";
        }

        String alerts() {
            return prefix + ".alerts";
        }

        String reviews() {
            return prefix + ".reviews";
        }

        String audit() {
            return prefix + ".images.audit";
        }

        String defectsShadow() {
            return prefix + ".defects.shadow";
        }

        String classificationsShadow() {
            return prefix + ".classifications.shadow";
        }

        void create(int partitions) {
            create(partitions, partitions);
        }

        /** The defective images on a topic of another partition count, as k8s/topics lays them out. */
        void create(int partitions, int defectivePartitions) {
            TestInfrastructure.kafka().createTopics(partitions, classifications(), defects(), coilStats(), dlq(), coilEnds(), coilGrades(),
                    alerts(), reviews(), audit(), defectsShadow(), classificationsShadow());
            TestInfrastructure.kafka().createTopics(defectivePartitions, defective());
        }
    }

    static AnalyticsService start(TestTopics topics, String applicationId, Path stateDir, Map<String, String> extra) throws IOException {
        AnalyticsService service = new AnalyticsService(AnalyticsConfig.fromEnv(new Env(environment(topics, applicationId, stateDir, extra))));
        service.start();
        return service;
    }

    /** The variables of an instance on the test broker and registry reading and writing {@code topics}, plus {@code extra}. */
    static Map<String, String> environment(TestTopics topics, String applicationId, Path stateDir, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("COILSIGHT_BOOTSTRAP_SERVERS", TestInfrastructure.kafka().bootstrapServers());
        env.put("COILSIGHT_SCHEMA_REGISTRY_URL", TestInfrastructure.registry().ccompatUrl());
        env.put("COILSIGHT_APPLICATION_ID", applicationId);
        env.put("COILSIGHT_STATE_DIR", stateDir.toString());
        env.put("COILSIGHT_HTTP_HOST", "127.0.0.1");
        env.put("COILSIGHT_HTTP_PORT", "0");
        env.put("COILSIGHT_ANALYTICS_TOKEN", VIEWER_TOKEN);
        // Mid-rotation: the instances send the first and accept both.
        env.put("COILSIGHT_ANALYTICS_INTERNAL_TOKEN", INTERNAL_TOKEN + ", next-internal-token-0123456789");
        env.put("COILSIGHT_APPLICATION_SERVER", "127.0.0.1");
        env.put("COILSIGHT_TOPIC_CLASSIFICATIONS", topics.classifications());
        env.put("COILSIGHT_TOPIC_DEFECTS", topics.defects());
        env.put("COILSIGHT_TOPIC_DEFECTIVE", topics.defective());
        env.put("COILSIGHT_TOPIC_COIL_STATS", topics.coilStats());
        env.put("COILSIGHT_TOPIC_DLQ", topics.dlq());
        env.put("COILSIGHT_TOPIC_COIL_ENDS", topics.coilEnds());
        env.put("COILSIGHT_TOPIC_COIL_GRADES", topics.coilGrades());
        env.put("COILSIGHT_TOPIC_ALERTS", topics.alerts());
        env.put("COILSIGHT_TOPIC_REVIEWS", topics.reviews());
        env.put("COILSIGHT_TOPIC_AUDIT", topics.audit());
        env.put("COILSIGHT_TOPIC_DEFECTS_SHADOW", topics.defectsShadow());
        env.put("COILSIGHT_TOPIC_CLASSIFICATIONS_SHADOW", topics.classificationsShadow());
        // Commit (and so make results visible) often: the tests wait for figures.
        env.put("COILSIGHT_KAFKA_COMMIT_INTERVAL_MS", "200");
        env.putAll(extra);
        return env;
    }

    static void awaitRunning(AnalyticsService... services) {
        Await.until(Duration.ofSeconds(90), () -> {
            for (AnalyticsService s : services) {
                if (s.state() != KafkaStreams.State.RUNNING) {
                    return false;
                }
            }
            return true;
        }, "coil-analytics instances RUNNING");
    }

    static KafkaProducer<String, SpecificRecord> producer() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafka().bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
        config.put(RegistryClientConfig.URL, TestInfrastructure.registry().ccompatUrl());
        Properties props = new Properties();
        props.putAll(config);
        return new KafkaProducer<>(props, new StringSerializer(), serializer(config));
    }

    private static SpecificAvroSerializer<SpecificRecord> serializer(Map<String, Object> config) {
        SpecificAvroSerializer<SpecificRecord> s = new SpecificAvroSerializer<>();
        s.configure(config, false);
        return s;
    }

    static void send(KafkaProducer<String, SpecificRecord> producer, String topic, String key, SpecificRecord value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not produce to " + topic, e);
        }
    }

    /** A viewer's GET. */
    static HttpResponse<byte[]> get(AnalyticsService service, String path) {
        return get(service, path, "Authorization", "Bearer " + VIEWER_TOKEN);
    }

    /** A GET with the given headers (name, value, ...). */
    static HttpResponse<byte[]> get(AnalyticsService service, String path, String... headers) {
        return get(service.httpPort(), path, headers);
    }

    /** A GET to the instance on {@code port}, with the given headers (name, value, ...). */
    static HttpResponse<byte[]> get(int port, String path, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).GET();
        if (headers.length > 0) {
            builder.headers(headers);
        }
        HttpRequest request = builder.build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Another instance's GET, with the internal token. */
    static HttpResponse<byte[]> getInternal(AnalyticsService service, String path) {
        return get(service, path, "Authorization", "Bearer " + INTERNAL_TOKEN);
    }

    static JsonNode json(AnalyticsService service, String path) {
        return json(get(service, path), path);
    }

    static JsonNode jsonInternal(AnalyticsService service, String path) {
        return json(getInternal(service, path), path);
    }

    static JsonNode json(HttpResponse<byte[]> response, String path) {
        try {
            JsonNode body = JSON.readTree(response.body());
            if (response.statusCode() != 200) {
                throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + body);
            }
            return body;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
