package dev.coilsight.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;

/**
 * A single-node Kafka (broker and controller in KRaft mode) running inside this JVM on loopback, with
 * its log under a folder of the caller's: the one in-process broker of the demo, the bench and the tests. Settings are those a one-node
 * cluster needs (replication factors 1, no initial rebalance delay, no topic auto-creation, a small cleaner
 * buffer) and room for image-sized records.
 */
public final class LocalKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalKafka.class);
    /** Records up to this size (images of a few MB) are accepted by the broker. */
    public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private final KafkaRaftServer server;
    private final int port;

    private LocalKafka(KafkaRaftServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /** Formats {@code logDir} when new, starts the broker on {@code port} (0: any free port) and waits until it serves clients. */
    public static LocalKafka start(Path logDir, int port) {
        return start(logDir, port, 0);
    }

    /**
     * As {@link #start(Path, int)}, with the controller on {@code controllerPort} (0: any free port): a broker stopped
     * and started again over the same log folder, as in fault tests, keeps both addresses.
     */
    public static LocalKafka start(Path logDir, int port, int controllerPort) {
        return start(logDir, port, controllerPort, Map.of());
    }

    /** As {@link #start(Path, int, int)}, with broker settings of the caller's over this class's own. */
    public static LocalKafka start(Path logDir, int port, int controllerPort, Map<String, String> overrides) {
        long started = System.nanoTime();
        if (port != 0) {
            Ports.requireFree(port, "the Kafka broker");
        }
        int brokerPort = port == 0 ? Ports.free() : port;
        if (controllerPort != 0) {
            Ports.requireFree(controllerPort, "the Kafka controller");
        } else {
            controllerPort = Ports.free();
        }
        try {
            Files.createDirectories(logDir);
            Properties props = new Properties();
            props.put("process.roles", "broker,controller");
            props.put("node.id", "1");
            props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
            props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
            props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
            props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            props.put("controller.listener.names", "CONTROLLER");
            props.put("inter.broker.listener.name", "PLAINTEXT");
            props.put("log.dirs", logDir.toAbsolutePath().toString());
            props.put("offsets.topic.replication.factor", "1");
            props.put("offsets.topic.num.partitions", "3");
            props.put("transaction.state.log.replication.factor", "1");
            props.put("transaction.state.log.min.isr", "1");
            props.put("transaction.state.log.num.partitions", "3");
            props.put("group.initial.rebalance.delay.ms", "0");
            props.put("auto.create.topics.enable", "false");
            props.put("log.cleaner.dedupe.buffer.size", "2097152");
            props.put("message.max.bytes", String.valueOf(MAX_MESSAGE_BYTES));
            props.put("replica.fetch.max.bytes", String.valueOf(MAX_MESSAGE_BYTES));
            // A deleted topic's files go at once, not a minute later: the bench deletes a topic of gigabytes per phase.
            props.put("log.segment.delete.delay.ms", "1000");
            props.putAll(overrides);
            format(logDir, props);
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            LocalKafka kafka = new LocalKafka(server, brokerPort);
            kafka.awaitReady(Duration.ofSeconds(60));
            log.info("Kafka (KRaft, in-process) ready at {} in {} ms", kafka.bootstrapServers(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare the Kafka log folder " + logDir, e);
        }
    }

    /** Writes the cluster id and metadata version into a new log folder (an existing one is kept as it is). */
    private static void format(Path logDir, Properties props) throws IOException {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        Path config = logDir.resolve("server.properties");
        try (Writer out = Files.newBufferedWriter(config)) {
            props.store(out, "written by Coilsight's embedded broker for the storage format step");
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int status = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()},
                new PrintStream(output, true, StandardCharsets.UTF_8));
        if (status != 0) {
            throw new IllegalStateException("formatting the Kafka log folder failed: " + output.toString(StandardCharsets.UTF_8));
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try (Admin admin = admin()) {
                admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                last = e;
            }
        }
        throw new IllegalStateException("the embedded Kafka broker did not serve clients within " + timeout.toSeconds() + " s", last);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Client properties that reach this broker. */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return props;
    }

    public Admin admin() {
        return Admin.create(clientProperties());
    }

    /** Creates topics (replication factor 1) with the broker's topic defaults; topics that already exist are left as they are. */
    public void createTopics(int partitions, String... topics) {
        createTopics(partitions, Map.of(), topics);
    }

    /** Creates topics (replication factor 1) with the given topic configs; topics that already exist are left as they are. */
    public void createTopics(int partitions, Map<String, String> configs, String... topics) {
        try (Admin admin = admin()) {
            TopicCreator.create(admin, partitions, configs, topics);
        }
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        log.info("Kafka broker at {} stopped", bootstrapServers());
    }
}
