package dev.coilsight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.FilterReply;

class CliLoggingTest {

    private final CliLogging.BrokerLinesToFileOnly filter = new CliLogging.BrokerLinesToFileOnly();
    private final LoggerContext context = new LoggerContext();

    @Test
    void theInProcessBrokersErrorsStayInTheFileWhileClientAndServiceErrorsReachTheTerminal() {
        assertThat(decide("kafka.server.ReplicaManager")).isEqualTo(FilterReply.DENY);
        assertThat(decide("org.apache.kafka.storage.internals.log.UnifiedLog")).isEqualTo(FilterReply.DENY);
        assertThat(decide("org.apache.kafka.clients.producer.internals.Sender")).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide("org.apache.kafka.streams.KafkaStreams")).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide("dev.coilsight.workerruntime.WorkerLoop")).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide("kafkaesque.Thing")).as("a prefix is a package, not any name").isEqualTo(FilterReply.NEUTRAL);
    }

    private FilterReply decide(String logger) {
        return filter.decide(new LoggingEvent("x", context.getLogger(logger), Level.ERROR, "m", null, null));
    }
}
