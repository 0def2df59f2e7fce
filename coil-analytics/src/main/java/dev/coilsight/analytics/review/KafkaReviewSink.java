package dev.coilsight.analytics.review;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.coilsight.schemas.DefectReviewed;
import dev.coilsight.schemas.serde.AvroSerdeConfig;
import dev.coilsight.schemas.serde.SpecificAvroSerializer;

/** Reviews to {@code steel.reviews}, keyed by coil: an idempotent producer, {@code acks=all}, one review acknowledged at a time. */
public final class KafkaReviewSink implements ReviewSink {

    /** Header naming the review, so that a reader can drop a review it has seen. */
    public static final String REVIEW_ID_HEADER = "coilsight-review-id";
    private static final int MAX_RECORD_BYTES = 8 * 1024 * 1024 + 64 * 1024;

    private final KafkaProducer<String, DefectReviewed> producer;
    private final String topic;

    /** @param settings the cluster's producer settings plus the registry's */
    public KafkaReviewSink(Map<String, Object> settings, boolean autoRegister, String topic) {
        Map<String, Object> configs = producerSettings(settings, autoRegister);
        SpecificAvroSerializer<DefectReviewed> serializer = new SpecificAvroSerializer<>();
        serializer.configure(configs, false);
        producer = new KafkaProducer<>(configs, new StringSerializer(), serializer);
        this.topic = topic;
    }

    /** The producer's settings: {@code settings} over room for an 8 MiB image, so that a plant's larger limit holds here too. */
    public static Map<String, Object> producerSettings(Map<String, Object> settings, boolean autoRegister) {
        Map<String, Object> configs = new HashMap<>(settings);
        configs.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        configs.put(ProducerConfig.ACKS_CONFIG, "all");
        configs.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_RECORD_BYTES);
        configs.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        configs.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        configs.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        configs.put(ProducerConfig.CLIENT_ID_CONFIG, "coilsight-reviews");
        configs.put(AvroSerdeConfig.AUTO_REGISTER, autoRegister);
        return configs;
    }

    @Override
    public void publish(DefectReviewed review) {
        ProducerRecord<String, DefectReviewed> record = new ProducerRecord<>(topic, review.getCoilId(), review);
        record.headers().add(REVIEW_ID_HEADER, review.getReviewId().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try {
            producer.send(record).get(20, TimeUnit.SECONDS);
        } catch (org.apache.kafka.common.errors.RecordTooLargeException e) {
            throw new ReviewDesk.Refused(413, "the review with its image is larger than steel.reviews takes: " + e.getMessage());
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new ReviewDesk.Refused(503, "the review was not stored (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "); send it again with the same reviewId");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReviewDesk.Refused(503, "interrupted while storing the review; send it again");
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            if (cause instanceof org.apache.kafka.common.errors.RecordTooLargeException) {
                throw new ReviewDesk.Refused(413, "the review with its image is larger than steel.reviews takes: " + cause.getMessage());
            }
            throw new ReviewDesk.Refused(503, "the review was not stored (" + cause.getClass().getSimpleName() + ": "
                    + cause.getMessage() + "); send it again with the same reviewId");
        }
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
