package dev.coilsight.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Keeps the terminal of a long-running command for its progress and results: log lines go to a file,
 * and only errors still reach stderr (all of them with {@code verbose}), except the in-process broker's own: it logs
 * as an error what its clients recover from by retrying (a transactional producer's sequence after the broker dropped
 * its state, KAFKA-18202), and a broker that really fails surfaces as an error of the service using it. The levels
 * stay those of the logging configuration ({@code config/logback-cli.xml}), so the file holds what the terminal held before.
 */
public final class CliLogging {

    /** The console appender's name in {@code config/logback-cli.xml}. */
    static final String CONSOLE_APPENDER = "STDERR";
    static final String FILE_APPENDER = "FILE";
    /** Loggers of the Kafka broker (Scala core and its Java server modules), not of its clients. */
    private static final List<String> BROKER_LOGGERS = List.of("kafka.", "org.apache.kafka.server.", "org.apache.kafka.storage.",
            "org.apache.kafka.raft.", "org.apache.kafka.controller.", "org.apache.kafka.coordinator.", "org.apache.kafka.metadata.",
            "org.apache.kafka.image.");

    private CliLogging() {
    }

    /**
     * Appends every log line to {@code file} from now on; without {@code verbose} the terminal keeps
     * ERROR lines only. Returns false when logging is not Logback (nothing changed then).
     */
    public static boolean toFile(Path file, boolean verbose) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return false;
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the folder of the log file " + file + ": " + e.getMessage(), e);
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Appender<ILoggingEvent> previous = root.getAppender(FILE_APPENDER);
        if (previous != null) {
            root.detachAppender(previous);
            previous.stop();
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n");
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(context);
        appender.setName(FILE_APPENDER);
        appender.setFile(file.toAbsolutePath().toString());
        appender.setAppend(true);
        appender.setEncoder(encoder);
        appender.start();
        root.addAppender(appender);

        Appender<ILoggingEvent> console = root.getAppender(CONSOLE_APPENDER);
        if (console != null && !verbose) {
            ThresholdFilter errorsOnly = new ThresholdFilter();
            errorsOnly.setContext(context);
            errorsOnly.setLevel("ERROR");
            errorsOnly.start();
            console.clearAllFilters();
            console.addFilter(new BrokerLinesToFileOnly());
            console.addFilter(errorsOnly);
        }
        return true;
    }

    /** Denies the broker's lines on the terminal (they are in the file). */
    static final class BrokerLinesToFileOnly extends Filter<ILoggingEvent> {
        BrokerLinesToFileOnly() {
            start();
        }

        @Override
        public FilterReply decide(ILoggingEvent event) {
            String logger = event.getLoggerName();
            return BROKER_LOGGERS.stream().anyMatch(logger::startsWith) ? FilterReply.DENY : FilterReply.NEUTRAL;
        }
    }
}
