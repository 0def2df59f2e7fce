package dev.coilsight.bench.jmh;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.ImageEncoding;
import dev.coilsight.schemas.registry.InMemorySchemaRegistry;
import dev.coilsight.schemas.registry.SchemaRegistryClient;
import dev.coilsight.schemas.serde.AvroSerdeConfig;
import dev.coilsight.schemas.serde.SpecificAvroDeserializer;
import dev.coilsight.schemas.serde.SpecificAvroSerializer;

/**
 * The project's Avro serde (Confluent wire format) on an {@code ImageCaptured} carrying 300 KB of image
 * bytes, with a registry that answers from memory: the serde's own cost, no HTTP.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AvroBenchmark {

    private static final String TOPIC = "steel.images";

    private SpecificAvroSerializer<ImageCaptured> serializer;
    private SpecificAvroDeserializer<ImageCaptured> deserializer;
    private ImageCaptured event;
    private byte[] serialized;

    @Setup
    public void setUp() {
        byte[] image = new byte[300 * 1024];
        new Random(8).nextBytes(image);
        event = ImageCaptured.newBuilder().setImageId("bench-image").setCoilId("bench-coil").setCameraId("bench").setSequence(1)
                .setCapturedAt(Instant.now()).setPositionMm(400.0).setEncoding(ImageEncoding.JPEG).setWidth(1600).setHeight(256)
                .setBytes(ByteBuffer.wrap(image)).build();
        SchemaRegistryClient registry = new InMemorySchemaRegistry();
        serializer = new SpecificAvroSerializer<>(registry, new AvroSerdeConfig(true));
        deserializer = new SpecificAvroDeserializer<>(registry, ImageCaptured.class);
        serialized = serializer.serialize(TOPIC, event);
    }

    @Benchmark
    public byte[] serialize() {
        return serializer.serialize(TOPIC, event);
    }

    @Benchmark
    public ImageCaptured deserialize() {
        return deserializer.deserialize(TOPIC, serialized);
    }
}
