package dev.coilsight.analytics.dlq;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.serviceruntime.config.Env;
import dev.coilsight.serviceruntime.deadletter.DeadLetters;

/**
 * Kafka Streams error handlers that send a record the aggregation cannot read or process to the
 * dead-letter topic, with the same headers as the inference workers, and go on with the next one.
 * Within exactly-once processing the dead letter commits in the same transaction as the offsets.
 * The registry being unreachable is not the record's fault: that fails the task, and the stream
 * thread is replaced and reads the record again.
 */
public final class DeadLetterHandlers {

    /** Streams configuration key of the dead-letter topic. */
    public static final String TOPIC_CONFIG = "coilsight.dlq.topic";
    /** Streams configuration key of the stage name written into the headers. */
    public static final String STAGE_CONFIG = "coilsight.dlq.stage";

    private static final Logger log = LoggerFactory.getLogger(DeadLetterHandlers.class);

    private DeadLetterHandlers() {
    }

    private static final java.util.Set<String> traced = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * The failure for a log line's stack trace the first time one of its kind (class and place) is met, else null: a bug in
     * a scan meets every scan, once a second, and one trace says where it is.
     */
    private static Throwable traceOnce(Throwable failure) {
        StackTraceElement[] at = failure.getStackTrace();
        return traced.add(failure.getClass().getName() + (at.length > 0 ? "@" + at[0] : "")) ? failure : null;
    }

    /** The record key (a coil id) for a log line. */
    private static String coil(byte[] key) {
        return key == null ? "-" : Env.logSafe(new String(key, java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A handler's dead letters, to the topic and with the stage name the Streams configuration gives. */
    private abstract static class ToDeadLetters implements Configurable {

        DeadLetters deadLetters;

        @Override
        public void configure(Map<String, ?> configs) {
            Object topic = configs.get(TOPIC_CONFIG);
            Object stage = configs.get(STAGE_CONFIG);
            deadLetters = new DeadLetters(stage == null ? "coil-analytics" : stage.toString(),
                    topic == null ? dev.coilsight.schemas.Topics.DLQ : topic.toString(), maxRecordBytes(configs));
        }

        /**
         * What the producer may write: a dead letter larger than that (an image within a few KB of the limit, headers added)
         * would fail its task, and the replaced thread would read the same record again, for ever; it keeps its headers and
         * leaves its value at the source offset instead.
         */
        static int maxRecordBytes(Map<String, ?> configs) {
            Object size = configs.get(org.apache.kafka.streams.StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
            if (size == null) {
                size = configs.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
            }
            try {
                return size == null ? 1024 * 1024 : Integer.parseInt(size.toString().trim());
            } catch (NumberFormatException e) {
                return 1024 * 1024;
            }
        }
    }

    /** Records that are not readable Avro of the topic's record type. */
    public static final class Deserialization extends ToDeadLetters implements DeserializationExceptionHandler {

        @Override
        public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
            Optional<DeadLetters.Reason> reason = DeadLetters.readFailure(record.value(), exception);
            if (reason.isEmpty()) {
                log.warn("cannot read {}-{}@{} now (schema registry unavailable?): {}", record.topic(), record.partition(),
                        record.offset(), exception.getMessage());
                return Response.fail();
            }
            log.warn("dead letter {}-{}@{} (coil {}): {}: {}", record.topic(), record.partition(), record.offset(), coil(record.key()),
                    reason.get(), Env.logSafe(String.valueOf(exception.getMessage())));
            return Response.resume(List.of(deadLetters.of(record, reason.get(), exception, null)));
        }
    }

    /** Records that were read but made the aggregation fail (e.g. a field the contract allows but the code did not expect). */
    public static final class Processing extends ToDeadLetters implements ProcessingExceptionHandler {

        @Override
        public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
            if (context.topic() == null) {
                // A scheduled scan failed, not a record: nothing to dead-letter; the next scan tries again.
                log.warn("processing failed in {} outside any record (a scheduled scan): {}", context.processorNodeId(),
                        Env.logSafe(String.valueOf(exception)), traceOnce(exception));
                return Response.resume();
            }
            log.warn("dead letter {}-{}@{} (coil {}): processing failed in {}: {}", context.topic(), context.partition(), context.offset(),
                    coil(context.sourceRawKey()), context.processorNodeId(), Env.logSafe(String.valueOf(exception)), traceOnce(exception));
            return Response.resume(List.of(deadLetters.of(context.topic(), context.partition(), context.offset(),
                    context.timestamp(), context.headers(), context.sourceRawKey(), context.sourceRawValue(),
                    DeadLetters.Reason.PROCESSING_ERROR, exception, null)));
        }
    }
}
