package dev.coilsight.ingest.publish;

import java.time.Duration;

import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * What an uploader is told when an image's send fails: whether it may have been published all the same (so only a retry
 * under the same Idempotency-Key is sure to leave it once), and what to do. The answers name no address or server
 * message: the log line has the cause.
 */
final class PublishFailures {

    private PublishFailures() {
    }

    /** The acknowledgement did not come within {@code timeout}: the broker may have written the image all the same. */
    static IngestRejection unknownOutcome(Duration timeout, Throwable cause) {
        return new IngestRejection(503, "broker_unavailable", "the broker did not acknowledge the image within " + timeout.toMillis()
                + " ms; it may or may not have been published: send it again, with the same Idempotency-Key to have it once", cause);
    }

    /** The answer to a send that failed with {@code cause}. */
    static IngestRejection of(Throwable cause, Duration timeout) {
        if (cause instanceof BufferExhaustedException) {
            // Ingest's own buffer for the broker is full (a slow broker): nothing was sent.
            return new IngestRejection(503, "busy", "ingest holds as many images for the broker as it can; the image was not "
                    + "published, send it again", cause);
        }
        if (cause instanceof TimeoutException) {
            return unknownOutcome(timeout, cause);
        }
        if (cause instanceof RecordTooLargeException) {
            return new IngestRejection(413, "too_large", "the record is larger than Kafka accepts", cause);
        }
        if (cause instanceof SerializationException) {
            // The cause names the registry's address and its answer.
            return new IngestRejection(503, "registry_unavailable", "the schema registry could not be reached; the image was not "
                    + "published, send it again", cause);
        }
        return new IngestRejection(503, "broker_unavailable", "the broker refused the image (" + cause.getClass().getSimpleName()
                + "); it was not published, send it again", cause);
    }
}
