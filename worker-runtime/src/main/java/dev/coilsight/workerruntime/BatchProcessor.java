package dev.coilsight.workerruntime;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.serviceruntime.config.Env;
import dev.coilsight.serviceruntime.deadletter.DeadLetters;
import dev.coilsight.core.image.ColorMode;
import dev.coilsight.core.image.DecodedImage;
import dev.coilsight.core.image.ImageDecoder;
import dev.coilsight.core.image.ImageRejectedException;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.core.model.Preprocessor;
import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.StageTimings;

/**
 * One batch, without Kafka I/O: reads each record, decodes its image, runs the model on all images
 * of the batch (one forward pass per prepared size), and returns the records to produce (results and
 * dead letters, in input order) and the offsets to commit with them. A record that cannot be
 * processed becomes a dead letter and the rest of the batch goes on; a failure that is not the
 * record's fault fails the whole batch: the registry unreachable with {@link RetryableBatchException},
 * a model that fails on everything with {@link ModelProbe.ModelUnavailableException}. One per worker thread.
 */
final class BatchProcessor<I extends SpecificRecord> {

    private static final Logger log = LoggerFactory.getLogger(BatchProcessor.class);

    /** A batch of model inputs of one size in, one output per input out (a Predictor, or a fake in tests). */
    interface Predict {
        List<float[]> predict(List<Preprocessor.Prepared> inputs);
    }

    /** A polled record and when it was polled. */
    record Polled(ConsumerRecord<byte[], byte[]> record, long polledAt) {
    }

    /** What to produce and commit for a batch; counted in the metrics only once committed. */
    record Result(List<ProducerRecord<byte[], byte[]>> records, Map<TopicPartition, OffsetAndMetadata> offsets,
                  int results, List<String> deadLetterReasons, List<Long> capturedAt, int inferred, double inferenceSeconds) {

        int deadLetters() {
            return deadLetterReasons.size();
        }
    }

    /** The batch could not be processed for a reason that may pass (registry unreachable): read it again. */
    static final class RetryableBatchException extends RuntimeException {
        RetryableBatchException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Room for the record batch header and the record's own framing, on top of key and value. */
    static final int RECORD_OVERHEAD_BYTES = 512;

    private final InferenceStage<I> stage;
    private final Deserializer<I> values;
    private final Serializer<SpecificRecord> serializer;
    private final ImageDecoder decoder;
    private final DeadLetters deadLetters;
    private final RecordLimits limits;
    private final InputBudget budget;
    private final ForwardPasses passes;

    /**
     * @param limits the largest record each output topic takes: a larger result could never be written, and
     *     retrying the batch would stall the partition for ever, so its input is dead-lettered
     */
    BatchProcessor(InferenceStage<I> stage, Deserializer<I> values, Serializer<SpecificRecord> serializer, ImageDecoder decoder,
                   DeadLetters deadLetters, RecordLimits limits, InputBudget budget) {
        this.limits = limits;
        this.budget = budget;
        this.passes = new ForwardPasses(stage.name(), budget);
        this.stage = stage;
        this.values = values;
        this.serializer = serializer;
        this.decoder = decoder;
        this.deadLetters = deadLetters;
    }

    /** One input record on its way through the batch. */
    private final class Item implements ForwardPasses.Image {
        final Polled polled;
        final ModelCard card;
        I value;
        List<Preprocessor.Prepared> inputs;
        List<float[]> outputs;
        double decodeMs;
        ProducerRecord<byte[], byte[]> deadLetter;
        DeadLetters.Reason deadReason;
        List<ProducerRecord<byte[], byte[]>> results = List.of();

        Item(Polled polled, ModelCard card) {
            this.polled = polled;
            this.card = card;
        }

        boolean alive() {
            return deadLetter == null;
        }

        @Override
        public List<Preprocessor.Prepared> inputs() {
            return inputs;
        }

        @Override
        public void outputs(List<float[]> outputs) {
            this.outputs = outputs;
        }

        @Override
        public void failed(RuntimeException error) {
            fail(DeadLetters.Reason.MODEL_ERROR, error, card);
        }

        void fail(DeadLetters.Reason reason, Throwable error, ModelCard card) {
            ConsumerRecord<byte[], byte[]> r = polled.record();
            log.warn("{} {}-{}@{} (coil {}) to {}: {} ({})", stage.name(), r.topic(), r.partition(), r.offset(),
                    r.key() == null ? "-" : Env.logSafe(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8)), deadLetters.topic(),
                    reason, Env.logSafe(String.valueOf(error.getMessage())));
            deadLetter = deadLetters.of(r, reason, error, card == null ? null : card.name() + ":" + card.version());
            deadReason = reason;
        }
    }

    /** Dead letters for records that must not run again (the crash-loop breaker's), with their offsets. */
    Result deadLetter(List<Polled> batch, DeadLetters.Reason reason, RuntimeException error, ModelCard card) {
        List<Item> items = new ArrayList<>(batch.size());
        for (Polled polled : batch) {
            Item item = new Item(polled, card);
            item.fail(reason, error, card);
            items.add(item);
        }
        return collect(items, List.of(), 0, 0);
    }

    /** Decodes every record, runs the model once per input size, and encodes each image's results: one phase after the other. */
    Result process(List<Polled> batch, ModelCard card, Predict predict) {
        ColorMode mode = ColorMode.forChannels(card.input().channels());
        List<Item> items = new ArrayList<>(batch.size());
        for (Polled polled : batch) {
            Item item = new Item(polled, card);
            items.add(item);
            read(item);
            if (item.alive()) {
                prepare(item, card, mode);
            }
        }
        long started = System.nanoTime();
        int inferred = passes.run(items.stream().filter(Item::alive).toList(), card, checked(predict, card));
        double inferenceSeconds = (System.nanoTime() - started) / 1e9;
        long completedAt = System.currentTimeMillis();
        List<Long> capturedAt = new ArrayList<>();
        for (Item item : items) {
            if (!item.alive()) {
                continue;
            }
            StageTimings timings = StageTimings.newBuilder()
                    .setReceivedAt(Instant.ofEpochMilli(item.polled.polledAt()))
                    .setCompletedAt(Instant.ofEpochMilli(completedAt))
                    .setDecodeMs(item.decodeMs)
                    .setInferenceMs(inferenceSeconds * 1000)
                    .setBatchSize(inferred)
                    .build();
            encode(item, card, timings);
            if (item.alive()) {
                capturedAt.add(stage.image(item.value).getCapturedAt().toEpochMilli());
            }
        }
        return collect(items, capturedAt, inferred, inferenceSeconds);
    }

    /**
     * Runs the model on a blank input ({@link ModelProbe}).
     *
     * @throws ModelProbe.ModelUnavailableException when it fails
     */
    void checkModel(ModelCard card, Predict predict) {
        passes.checkModel(card, checked(predict, card));
    }

    /**
     * {@code predict} with every output checked against the card ({@link InferenceStage#checkOutput}): a failed check is
     * a failed forward pass, so that a model that answers wrongly for every input, the blank probe's included, stops the
     * batch as a failing model does, and one that does so for one image only dead-letters that image.
     */
    private Predict checked(Predict predict, ModelCard card) {
        return inputs -> {
            List<float[]> outputs = predict.predict(inputs);
            for (int i = 0; i < Math.min(inputs.size(), outputs.size()); i++) {
                stage.checkOutput(card, inputs.get(i), outputs.get(i));
            }
            return outputs;
        };
    }

    /** The stage's results for one image as records, or its dead letter when they cannot be made or are too large to write. */
    private void encode(Item item, ModelCard card, StageTimings timings) {
        List<InferenceStage.Output> outputs;
        try {
            outputs = stage.outputs(card, item.value, item.inputs, item.outputs, timings);
        } catch (RuntimeException e) {
            item.fail(DeadLetters.Reason.MODEL_ERROR, e, card);
            return;
        }
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(outputs.size());
        for (InferenceStage.Output output : outputs) {
            byte[] key = output.key().getBytes(StandardCharsets.UTF_8);
            byte[] value = serialize(output);
            if (key.length + value.length + RECORD_OVERHEAD_BYTES > limits.forTopic(output.topic())) {
                item.fail(DeadLetters.Reason.TOO_LARGE, new RecordTooLargeException("the " + output.value().getSchema().getName()
                        + " result for " + output.topic() + " is " + (key.length + value.length) + " bytes, over the "
                        + limits.forTopic(output.topic()) + " the worker may write there: " + limits.explain(output.topic())), card);
                return;
            }
            records.add(new ProducerRecord<>(output.topic(), key, value));
        }
        item.results = records;
    }

    /** The records to produce, in input order, and the offsets after them. */
    private Result collect(List<Item> items, List<Long> capturedAt, int inferred, double inferenceSeconds) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        int results = 0;
        List<String> dead = new ArrayList<>();
        for (Item item : items) {
            if (item.alive()) {
                records.addAll(item.results);
                results++;
            } else {
                records.add(item.deadLetter);
                dead.add(item.deadReason.name());
            }
            ConsumerRecord<byte[], byte[]> r = item.polled.record();
            offsets.merge(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        return new Result(records, offsets, results, dead, capturedAt, inferred, inferenceSeconds);
    }

    private void read(Item item) {
        ConsumerRecord<byte[], byte[]> r = item.polled.record();
        byte[] data = r.value();
        if (data == null) {
            item.fail(DeadLetters.Reason.UNREADABLE_RECORD, new SerializationException("record has no value (a tombstone)"), null);
            return;
        }
        try {
            item.value = values.deserialize(r.topic(), data);
        } catch (RuntimeException e) {
            // One classification for every stage that reads Confluent Avro (see DeadLetters.readFailure).
            DeadLetters.Reason reason = DeadLetters.readFailure(data, e).orElseThrow(
                    () -> new RetryableBatchException("schema registry unavailable: " + e.getMessage(), e));
            item.fail(reason, e, null);
        }
    }

    private void prepare(Item item, ModelCard card, ColorMode mode) {
        long t = System.nanoTime();
        DecodedImage image;
        try {
            ByteBuffer buffer = stage.image(item.value).getBytes().duplicate();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            image = decoder.decode(bytes, mode);
        } catch (ImageRejectedException e) {
            item.fail(DeadLetterReasons.of(e.reason()), e, null);
            return;
        } catch (RuntimeException e) {
            item.fail(DeadLetters.Reason.CORRUPT, e, null);
            return;
        }
        Preprocessor sizes = new Preprocessor(card.input());
        long pixels = (long) sizes.inputHeight(image.height()) * sizes.inputWidth(image.width());
        if (pixels > budget.maxImagePixels()) {
            item.fail(DeadLetters.Reason.MODEL_INPUT, new IllegalArgumentException("a " + image.width() + "x" + image.height()
                    + " image needs " + pixels + " input pixels for model " + card.name() + ", over the model input budget of "
                    + budget.maxImagePixels() + " (COILSIGHT_MAX_MODEL_INPUT_PIXELS)"), card);
            return;
        }
        try {
            item.inputs = stage.inputs(card, image);
        } catch (RuntimeException e) {
            item.fail(DeadLetters.Reason.MODEL_INPUT, e, card);
            return;
        }
        item.decodeMs = (System.nanoTime() - t) / 1e6;
    }

    private byte[] serialize(InferenceStage.Output output) {
        try {
            return serializer.serialize(output.topic(), output.value());
        } catch (RuntimeException e) {
            // Our own results: the registry refusing or unreachable is no fault of the input record.
            throw new RetryableBatchException("cannot serialize a " + output.value().getSchema().getName() + " for "
                    + output.topic() + ": " + e.getMessage(), e);
        }
    }
}
