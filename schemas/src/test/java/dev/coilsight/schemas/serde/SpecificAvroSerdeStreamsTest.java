package dev.coilsight.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;

import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.ImageClassified;
import dev.coilsight.schemas.SampleRecords;
import dev.coilsight.schemas.Topics;
import dev.coilsight.schemas.registry.FakeRegistryAccess;
import dev.coilsight.schemas.registry.RegistryClientConfig;

/** The Serde works where Kafka Streams uses it: configured from the application's properties. */
class SpecificAvroSerdeStreamsTest {

    static Topology passDefectiveFlags(Map<String, Object> serdeConfig) {
        var images = new SpecificAvroSerde<>(ImageCaptured.class);
        images.configure(serdeConfig, false);
        var classified = new SpecificAvroSerde<>(ImageClassified.class);
        classified.configure(serdeConfig, false);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(Topics.IMAGES, Consumed.with(Serdes.String(), images))
                .mapValues(image -> SampleRecords.classification(image, image.getSequence() % 2 == 0 ? 0.9f : 0.1f))
                .to(Topics.CLASSIFICATIONS, Produced.with(Serdes.String(), classified));
        return builder.build();
    }

    @Test
    void streamsReadAndWriteRecordsThroughTheSerde() throws Exception {
        try (FakeRegistryAccess registry = FakeRegistryAccess.start()) {
            Map<String, Object> serdeConfig = Map.of(RegistryClientConfig.URL, registry.url());
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "serde-test");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            try (TopologyTestDriver driver = new TopologyTestDriver(passDefectiveFlags(serdeConfig), props)) {
                var serde = new SpecificAvroSerde<>(ImageCaptured.class);
                serde.configure(serdeConfig, false);
                var classifiedSerde = new SpecificAvroSerde<>(ImageClassified.class);
                classifiedSerde.configure(serdeConfig, false);
                TestInputTopic<String, ImageCaptured> in = driver.createInputTopic(Topics.IMAGES,
                        Serdes.String().serializer(), serde.serializer());
                TestOutputTopic<String, ImageClassified> out = driver.createOutputTopic(Topics.CLASSIFICATIONS,
                        Serdes.String().deserializer(), classifiedSerde.deserializer());

                for (int i = 0; i < 4; i++) {
                    in.pipeInput("coil-9", SampleRecords.image("coil-9", i, new byte[] {(byte) i}));
                }

                var results = out.readValuesToList();
                assertThat(results).extracting(ImageClassified::getSequence).containsExactly(0L, 1L, 2L, 3L);
                assertThat(results).extracting(ImageClassified::getDefective).containsExactly(true, false, true, false);
                assertThat(registry.subjects()).contains("steel.images-value", "steel.classifications-value");
            }
        }
    }
}
