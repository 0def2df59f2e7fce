package dev.coilsight.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.ImageClassified;
import dev.coilsight.schemas.SampleRecords;
import dev.coilsight.schemas.serde.AvroSerdeConfig;
import dev.coilsight.schemas.serde.SpecificAvroDeserializer;
import dev.coilsight.schemas.serde.SpecificAvroSerializer;

class InMemorySchemaRegistryTest {

    @Test
    void recordsGoThroughTheSerdeWithIdsCountedFromOneInRegistrationOrder() {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        ImageCaptured image = SampleRecords.image("COIL-1", 3, new byte[] {1, 2, 3});

        byte[] bytes = new SpecificAvroSerializer<ImageCaptured>(registry, new AvroSerdeConfig(true)).serialize("steel.images", image);

        assertThat(new SpecificAvroDeserializer<>(registry, ImageCaptured.class).deserialize("steel.images", bytes)).isEqualTo(image);
        assertThat(registry.idOf("steel.images-value", ImageCaptured.getClassSchema())).isEqualTo(1);
        assertThat(registry.register("steel.classifications-value", ImageClassified.getClassSchema())).isEqualTo(2);
        assertThat(registry.register("again-value", ImageCaptured.getClassSchema())).isEqualTo(1);
    }

    @Test
    void unknownSchemasAndSubjectsAreNotFound() {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        assertThatThrownBy(() -> registry.schemaById(1)).isInstanceOf(SchemaRegistryException.NotFound.class);
        assertThatThrownBy(() -> registry.idOf("steel.images-value", ImageCaptured.getClassSchema()))
                .isInstanceOf(SchemaRegistryException.NotFound.class);
    }
}
