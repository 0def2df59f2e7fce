package dev.coilsight.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.coilsight.schemas.CoilDefectStats;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.DefectiveImage;
import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.ImageClassified;
import dev.coilsight.schemas.SampleRecords;
import dev.coilsight.schemas.Topics;
import dev.coilsight.schemas.registry.FakeRegistryAccess;
import dev.coilsight.schemas.registry.RegistryClientConfig;
import dev.coilsight.schemas.registry.RestSchemaRegistryClient;

/** Serde logic (wire format, subjects, auto-register, errors) against a Confluent-like fake registry. */
class SpecificAvroSerdeTest {

    private FakeRegistryAccess registry;
    private RestSchemaRegistryClient client;

    @BeforeEach
    void start() throws Exception {
        registry = FakeRegistryAccess.start();
        client = new RestSchemaRegistryClient(RegistryClientConfig.forUrl(registry.url()));
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private <T extends SpecificRecord> T roundTrip(String topic, T record, Class<T> type) {
        byte[] bytes = new SpecificAvroSerializer<T>(client, new AvroSerdeConfig(true)).serialize(topic, record);
        assertThat(bytes[0]).isEqualTo(WireFormat.MAGIC_BYTE);
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        assertThat(client.schemaById(id)).isEqualTo(record.getSchema());
        // A fresh client, as a consumer elsewhere would have.
        var reader = new SpecificAvroDeserializer<>(new RestSchemaRegistryClient(RegistryClientConfig.forUrl(registry.url())), type);
        return reader.deserialize(topic, bytes);
    }

    @Test
    void everyContractRoundTrips() {
        ImageCaptured image = SampleRecords.image("C-1", 7, new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        assertThat(roundTrip(Topics.IMAGES, image, ImageCaptured.class)).isEqualTo(image);
        ImageClassified classified = SampleRecords.classification(image, 0.12f);
        assertThat(roundTrip(Topics.CLASSIFICATIONS, classified, ImageClassified.class)).isEqualTo(classified);
        DefectiveImage defective = SampleRecords.defective(image);
        assertThat(roundTrip(Topics.DEFECTIVE_IMAGES, defective, DefectiveImage.class)).isEqualTo(defective);
        DefectSegmentation segmentation = SampleRecords.segmentation(image);
        assertThat(roundTrip(Topics.DEFECTS, segmentation, DefectSegmentation.class)).isEqualTo(segmentation);
        CoilDefectStats stats = SampleRecords.coilStats("C-1");
        assertThat(roundTrip(Topics.COIL_STATS, stats, CoilDefectStats.class)).isEqualTo(stats);

        assertThat(registry.subjects()).containsExactlyInAnyOrder("steel.images-value", "steel.classifications-value",
                "steel.images.defective-value", "steel.defects-value", "steel.coil-stats-value");
    }

    @Test
    void theWireBytesAreTheHeaderThenAvrosOwnEncodingExactlyWhereverTheImageBytesLie() throws Exception {
        byte[] image = new byte[300 * 1024 + 17];
        new java.util.Random(3).nextBytes(image);
        ByteBuffer direct = ByteBuffer.allocateDirect(image.length - 40);
        direct.put(image, 40, image.length - 40).flip();
        for (ByteBuffer bytes : java.util.List.of(ByteBuffer.wrap(image), ByteBuffer.wrap(image, 25, 1000).slice(), direct)) {
            ImageCaptured record = SampleRecords.image("C-1", 7, new byte[0]);
            record.setBytes(bytes);
            byte[] wire = new SpecificAvroSerializer<ImageCaptured>(client, new AvroSerdeConfig(true)).serialize(Topics.IMAGES, record);

            java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
            expected.write(WireFormat.MAGIC_BYTE);
            expected.write(ByteBuffer.allocate(4).putInt(client.idOf("steel.images-value", record.getSchema())).array());
            var encoder = org.apache.avro.io.EncoderFactory.get().binaryEncoder(expected, null);
            new org.apache.avro.specific.SpecificDatumWriter<ImageCaptured>(record.getSchema()).write(record, encoder);
            encoder.flush();
            assertThat(wire).isEqualTo(expected.toByteArray());
            assertThat(bytes.position()).as("the record's buffer is left as it was").isZero();
        }
    }

    @Test
    void withoutAutoRegisterAnUnregisteredSchemaFailsWithTheDeployStep() {
        var serializer = new SpecificAvroSerializer<ImageCaptured>(client, new AvroSerdeConfig(false));
        ImageCaptured image = SampleRecords.image("C-1", 1, new byte[] {1});

        assertThatThrownBy(() -> serializer.serialize(Topics.IMAGES, image))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("not registered under subject steel.images-value")
                .hasMessageContaining("./coilsight schemas register");

        client.register("steel.images-value", ImageCaptured.getClassSchema());
        assertThat(serializer.serialize(Topics.IMAGES, image)).isNotEmpty();
    }

    @Test
    void kafkaStyleConfigurationByClassName() {
        Map<String, Object> configs = new HashMap<>();
        configs.put(RegistryClientConfig.URL, registry.url());
        configs.put(AvroSerdeConfig.VALUE_TYPE, ImageClassified.class.getName());
        var serializer = new SpecificAvroSerializer<ImageClassified>();
        serializer.configure(configs, false);
        var deserializer = new SpecificAvroDeserializer<ImageClassified>();
        deserializer.configure(configs, false);
        ImageClassified record = SampleRecords.classification(SampleRecords.image("C-2", 3, new byte[] {1}), 0.7f);

        assertThat(deserializer.deserialize("t", serializer.serialize("t", record))).isEqualTo(record);
    }

    @Test
    void deserializerWithoutATypeSaysWhichSettingIsMissing() {
        var deserializer = new SpecificAvroDeserializer<ImageCaptured>();
        assertThatThrownBy(() -> deserializer.configure(Map.of(RegistryClientConfig.URL, registry.url()), false))
                .hasMessageContaining("specific.avro.value.type");
    }

    @Test
    void unknownSchemaIdIsNamed() {
        byte[] bytes = new SpecificAvroSerializer<ImageCaptured>(client, new AvroSerdeConfig(true))
                .serialize(Topics.IMAGES, SampleRecords.image("C-1", 1, new byte[] {1}));
        ByteBuffer.wrap(bytes).putInt(1, 9999);
        var deserializer = new SpecificAvroDeserializer<>(client, ImageCaptured.class);

        assertThatThrownBy(() -> deserializer.deserialize(Topics.IMAGES, bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("schema id 9999")
                .hasMessageContaining("does not know");
    }

    @Test
    void truncatedPayloadIsNamedAsCorrupt() {
        byte[] bytes = new SpecificAvroSerializer<ImageCaptured>(client, new AvroSerdeConfig(true))
                .serialize(Topics.IMAGES, SampleRecords.image("C-1", 1, new byte[100]));
        var deserializer = new SpecificAvroDeserializer<>(client, ImageCaptured.class);

        assertThatThrownBy(() -> deserializer.deserialize(Topics.IMAGES, Arrays.copyOf(bytes, bytes.length - 40)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("corrupt or truncated");
    }

    @Test
    void nullStaysNullForTombstones() {
        assertThat(new SpecificAvroSerializer<ImageCaptured>(client, new AvroSerdeConfig(true)).serialize("t", null)).isNull();
        assertThat(new SpecificAvroDeserializer<>(client, ImageCaptured.class).deserialize("t", null)).isNull();
    }
}
